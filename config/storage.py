"""Where uploaded files live: the data directory, or an S3-compatible bucket.

`config/settings.py` calls `default_storage_from_environment(env)` for `STORAGES["default"]`;
the object-storage tests call the same function against a real S3-compatible server, so what
they check is what a deployment gets. Every variable is listed in docs/deploy.md ("Video" and
"Files in object storage").

Only the default storage moves: static files stay with whitenoise. Everything uploaded (post
images, attachments, idea photos, directory files, every video file) goes through
`default_storage` and never assumes a local path, so switching `MEDIA_STORAGE` is the whole
change (existing files must be copied across by the operator; nothing migrates them).
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

LOCAL = "local"
S3 = "s3"
STORAGE_KINDS = (LOCAL, S3)

S3_BACKEND = "storages.backends.s3.S3Storage"
LOCAL_BACKEND = "django.core.files.storage.FileSystemStorage"

# Files larger than this are spooled to a temporary file instead of memory when read back
# (django-storages' default, 0, keeps a whole downloaded object in memory: a 2 GB original
# would be held in RAM by the video worker).
S3_READ_MEMORY_BYTES = 8 * 1024 * 1024


def storage_kind(env: environ.Env) -> str:
    """`MEDIA_STORAGE`: "local" (the default) or "s3"; anything else stops start-up."""
    kind = str(env("MEDIA_STORAGE", default=LOCAL)).strip().lower()
    if kind not in STORAGE_KINDS:
        raise ImproperlyConfigured(
            f"MEDIA_STORAGE must be 'local' or 's3', not {kind!r} (see docs/deploy.md)."
        )
    return kind


def default_storage_from_environment(env: environ.Env) -> dict[str, Any]:
    """The `STORAGES["default"]` entry the environment asks for."""
    if storage_kind(env) == S3:
        return {"BACKEND": S3_BACKEND, "OPTIONS": s3_options(env)}
    return {"BACKEND": LOCAL_BACKEND}


def s3_options(env: environ.Env) -> dict[str, Any]:
    """django-storages' S3Storage options from the S3_* variables.

    The bucket stays private: objects get no ACL (the bucket's policy applies) and every URL
    the storage hands out is presigned for `S3_URL_EXPIRY_SECONDS`, which is what lets the
    video player redirect a reader who passed the permission check straight to the bucket.
    Credentials may be left unset to use boto3's own chain (an instance role, ~/.aws).
    """
    bucket = env.str("S3_BUCKET", default="")
    if not bucket:
        raise ImproperlyConfigured("MEDIA_STORAGE is 's3' but S3_BUCKET is not set.")
    endpoint_url = env.str("S3_ENDPOINT_URL", default="") or None
    # MinIO, Ceph and most self-hosted servers answer at one host with the bucket in the path;
    # AWS prefers the bucket in the host name ("virtual").
    addressing_style = env.str("S3_ADDRESSING_STYLE", default="path" if endpoint_url else "virtual")
    if addressing_style not in ("path", "virtual"):
        raise ImproperlyConfigured("S3_ADDRESSING_STYLE must be 'path' or 'virtual'.")
    ca_bundle = env.str("S3_CA_BUNDLE", default="")
    from botocore.config import Config  # only needed (and imported) when S3 is in use

    return {
        "bucket_name": bucket,
        "endpoint_url": endpoint_url,
        "region_name": env.str("S3_REGION", default="") or None,
        "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
        "secret_key": env.str("S3_SECRET_ACCESS_KEY", default="") or None,
        # A prefix inside the bucket, so one bucket can serve several installations.
        "location": env.str("S3_PREFIX", default="").strip("/"),
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": env.int("S3_URL_EXPIRY_SECONDS", default=3600),
        # Names are chosen by the application (videos/<id>/upload/000003): a retried chunk
        # must replace its earlier attempt, never be stored beside it under a new name.
        "file_overwrite": True,
        "addressing_style": addressing_style,
        "signature_version": "s3v4",
        # An internal server's certificate authority (a path), or the system's when unset.
        "verify": ca_bundle or None,
        "max_memory_size": S3_READ_MEMORY_BYTES,
        "client_config": Config(
            connect_timeout=10,
            read_timeout=60,
            retries={"max_attempts": 5, "mode": "standard"},
            s3={"addressing_style": addressing_style},
            signature_version="s3v4",
        ),
    }


def s3_origin(options: dict[str, Any]) -> str:
    """The scheme://host[:port] that presigned URLs point at, for the CSP's media-src.

    The player redirects a video request to the bucket, and a browser checks a redirected
    media or image request against the policy too, so the bucket's origin must be allowed.
    """
    bucket = options["bucket_name"]
    style = options["addressing_style"]
    endpoint = options.get("endpoint_url")
    if endpoint:
        parts = urlsplit(endpoint)
        host = parts.netloc
        if style == "virtual" and not _is_ip_address(parts.hostname or ""):
            host = f"{bucket}.{host}"
        return f"{parts.scheme}://{host}"
    region = options.get("region_name")
    domain = f"s3.{region}.amazonaws.com" if region else "s3.amazonaws.com"
    if style == "path" or "." in bucket:
        # boto3 falls back to path style for bucket names that aren't valid host labels.
        return f"https://{domain}"
    return f"https://{bucket}.{domain}"


def _is_ip_address(host: str) -> bool:
    # botocore keeps the bucket in the path for an endpoint given by address.
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
