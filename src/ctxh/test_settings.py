"""Settings for the test suite: the real settings, with tasks run in-process and fast hashing."""

from ctxh.settings import *  # noqa: F403

# Jobs run where they are started, unless the job tests run against a real RQ worker
# (`make pytest-workers` with CTXH_TASKS=rq and REDIS_URL).
if CTXH_TASKS != "rq":  # noqa: F405
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AXES_FAILURE_LIMIT = 5
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
