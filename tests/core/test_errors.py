from __future__ import annotations

import pytest
from bauplan.exceptions import BauplanError

from bauplan_provider.core import (
    BauplanAuthError,
    BauplanJobNotFoundError,
    BauplanPermanentError,
    BauplanTransientError,
    redact,
)
from bauplan_provider.core._errors import api_error_from_sdk, grpc_code_from_message


def sdk_message(description: str, message: str = "server said no") -> str:
    return f"status: Unknown, code: '{description}', message: \"{message}\""


@pytest.mark.parametrize(
    ("description", "code", "cls"),
    [
        ("The service is currently unavailable", "UNAVAILABLE", BauplanTransientError),
        (
            "Deadline expired before operation could complete",
            "DEADLINE_EXCEEDED",
            BauplanTransientError,
        ),
        ("Some resource has been exhausted", "RESOURCE_EXHAUSTED", BauplanTransientError),
        ("Internal error", "INTERNAL", BauplanTransientError),
        (
            "The request does not have valid authentication credentials",
            "UNAUTHENTICATED",
            BauplanAuthError,
        ),
        (
            "The caller does not have permission to execute the specified operation",
            "PERMISSION_DENIED",
            BauplanPermanentError,
        ),
        ("Some requested entity was not found", "NOT_FOUND", BauplanJobNotFoundError),
    ],
)
def test_sdk_errors_are_classified(description: str, code: str, cls: type) -> None:
    error = api_error_from_sdk(BauplanError(sdk_message(description)), operation="get_job")
    assert type(error) is cls
    assert error.code == code
    assert error.transient is (cls is BauplanTransientError)


def test_connection_refused_is_transient() -> None:
    text = "error trying to connect: tcp connect error: Connection refused (os error 111)"
    assert grpc_code_from_message(text) == "UNAVAILABLE"


def test_job_not_found_text_is_permanent() -> None:
    error = api_error_from_sdk(BauplanError("job not found: 123"), operation="get_job")
    assert isinstance(error, BauplanJobNotFoundError)


def test_key_is_redacted_from_messages() -> None:
    key = "bpln-very-secret-key-123"
    text = f"failed with authorization: Bearer {key} and api_key={key}"
    error = api_error_from_sdk(BauplanError(text), operation="info", api_key=key)
    assert key not in str(error)
    assert key not in redact(f"Bearer {key}")
    assert key not in redact(f"api_key: '{key}'")
