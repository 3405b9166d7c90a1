"""Open data: the Open Referral HSDS 3.0 import and export and the read-only HSDS API.

The top layer: it reads and writes the listings (`resources`) and asks the search engine
(`search`) for the API's searches; neither of them imports anything from here
(tests/test_architecture.py keeps it so)."""
