"""The container's health check: GET /healthz from the server inside it (standard library only).

It names a host the site accepts (the first of ALLOWED_HOSTS) and says the request came over
HTTPS, as the reverse proxy does, so that neither the host check nor the HTTPS redirect answers
instead of the application.
"""

import os
import sys
import urllib.request

host = os.environ.get("ALLOWED_HOSTS", "localhost").split(",")[0].strip().lstrip(".*")
request = urllib.request.Request(
    f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/healthz",
    headers={"Host": host or "localhost", "X-Forwarded-Proto": "https"},
)
try:
    with urllib.request.urlopen(request, timeout=4) as response:
        sys.exit(0 if response.status == 200 else 1)
except OSError:
    sys.exit(1)
