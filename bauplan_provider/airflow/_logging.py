"""Handing Airflow's task and trigger loggers to core."""

from __future__ import annotations

import logging
from typing import Any, cast

__all__ = ["core_log"]


def core_log(logger: Any) -> logging.Logger:
    """Airflow's ``self.log`` for core's ``log=`` parameters.

    Airflow types it as its own logger protocol; core only calls ``info``/``warning``/
    ``error`` with %-style arguments, which both support.
    """
    return cast(logging.Logger, logger)
