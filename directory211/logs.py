"""Logs as JSON lines, one event a line, for a log collector to read from the process's output.

`JsonFormatter` formats Django's own log (settings.LOGGING) and gunicorn's; `GunicornLogger`
(gunicorn's `logger_class`, see gunicorn.conf.py) writes one line per request with the method,
the path, the status, the duration, the response size and the time. Never the query string:
visitors' words and positions (`lat`, `lon`) travel in it. Never the client's address, user agent
or referrer either: the privacy page says the server keeps none of them.
"""

import datetime
import json
import logging

from gunicorn import glogging

# The fields of a request's line, besides time, level, logger and message.
ACCESS_FIELDS = ("method", "path", "status", "duration_ms", "size")


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in ACCESS_FIELDS:
            if hasattr(record, field):
                entry[field] = getattr(record, field)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class GunicornLogger(glogging.Logger):
    """gunicorn's logger with JSON lines: its access log on stdout, its error log where
    `errorlog` says (stderr by default)."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(JsonFormatter())

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        status = getattr(resp, "status_code", None) or str(resp.status).split(None, 1)[0]
        method = environ.get("REQUEST_METHOD", "-")
        # PATH_INFO is the path alone: the query string is a separate variable, never read here.
        path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        fields = {
            "method": method,
            "path": path,
            "status": status,
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "size": getattr(resp, "sent", None),
        }
        try:
            self.access_log.info("%s %s %s", method, path, status, extra=fields)
        except Exception:
            self.exception("Could not write an access log line")
