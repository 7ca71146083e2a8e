"""One structured log line per request: method, path, status, duration, query count and a
pseudonymous hash of the learner, as JSON on the `patternwise.requests` logger.

Queries are counted with `connection.execute_wrapper` around the request, which works with
DEBUG off and costs one function call per query. The learner is taken from what the
session already holds (never loaded for the log alone) and hashed with the secret key, so
the log can follow one learner without naming anyone.
"""

import hashlib
import hmac
import json
import logging
import time

from django.conf import settings
from django.db import connection

from accounts.learners import SESSION_KEY

logger = logging.getLogger("patternwise.requests")


def learner_hash(learner_id: int | None) -> str | None:
    if learner_id is None:
        return None
    digest = hmac.new(settings.SECRET_KEY.encode(), str(learner_id).encode(), hashlib.sha256)
    return digest.hexdigest()[:16]


def _learner_id(request) -> int | None:
    session = getattr(request, "session", None)
    if session is None or not session.accessed:  # not loaded by the request: don't load it
        return None
    remembered = session.get(SESSION_KEY)
    return remembered.get("id") if isinstance(remembered, dict) else None


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        queries = 0

        def count(execute, sql, params, many, context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with connection.execute_wrapper(count):
            response = self.get_response(request)
        line = {
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "queries": queries,
            "learner": learner_hash(_learner_id(request)),
        }
        logger.info(json.dumps(line))
        return response
