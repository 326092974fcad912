"""Field types shared by the API's input schemas.

Pydantic's ``int`` accepts JSON ``true``/``false`` as 1/0, so ``{"slot_id": true}`` would name
the object with id 1. Every id or count a client sends is a ``StrictInt``: a JSON number or a
numeric string, never a boolean. (``Decimal`` already refuses booleans.) It also stays within a
64-bit integer, the range of every id column: a larger number would overflow the database
driver (a 500) instead of being a plain 422.
"""

from typing import Annotated

from pydantic import BeforeValidator, Field


def _not_a_boolean(value):
    if isinstance(value, bool):
        raise ValueError("a number is expected, not true or false")
    return value


BIGINT_MIN, BIGINT_MAX = -(2**63), 2**63 - 1

StrictInt = Annotated[int, BeforeValidator(_not_a_boolean), Field(ge=BIGINT_MIN, le=BIGINT_MAX)]
