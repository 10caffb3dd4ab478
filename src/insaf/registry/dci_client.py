"""A client for another registry's DCI social registry API, for categorical eligibility.

A programme may grant eligibility to whoever another registry lists (a
disability registry, a civil registry's orphans). ``DciClient`` asks such a
registry through the DCI standard's messages (``header`` and ``message``,
``search_request`` items with ``search_criteria``), with a bearer token:

- ``search_id(type, value)``: the records of one identifier;
- ``search(predicates)``: the records matching predicates
  ``(attribute, operator, value)``, operators ``eq gt ge lt le in``, all of
  which must hold, page by page;
- ``enrolled(person, programme)``: whether a person is an enrolled
  beneficiary of a programme there.

Answers are read strictly: an answer that is not the DCI shape, or a request
the other registry rejected, is a ``DciError`` naming what was wrong.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import requests

from insaf.errors import InsafError, said

__all__ = ["OPERATORS", "DciClient", "DciError", "Predicate"]

OPERATORS = ("eq", "gt", "ge", "lt", "le", "in")
VERSION = "1.0.0"


class DciError(InsafError):
    """The other registry refused a request, or answered outside the DCI shape."""


@dataclass(frozen=True, slots=True)
class Predicate:
    """``attribute operator value`` (``value`` a list for ``in``)."""

    attribute: str
    operator: str
    value: str | float | Sequence[str] | Sequence[float]

    def __post_init__(self) -> None:
        if self.operator not in OPERATORS:
            raise DciError(
                said(
                    "operator {operator} is not one of {known}",
                    operator=repr(self.operator),
                    known=", ".join(OPERATORS),
                )
            )
        if (self.operator == "in") != isinstance(self.value, list | tuple):
            raise DciError(
                said(
                    "{attribute}: 'in' takes a list, the other operators one value",
                    attribute=self.attribute,
                )
            )

    def to_dci(self) -> dict[str, Any]:
        value = list(self.value) if isinstance(self.value, list | tuple) else self.value
        return {
            "attribute_name": self.attribute,
            "operator": self.operator,
            "attribute_value": value,
        }


@dataclass
class DciClient:
    """Another registry's DCI API at ``base`` (the folder holding ``registry/...``)."""

    base: str
    token: str
    sender_id: str = "insaf"
    timeout: float = 30.0
    session: requests.Session = field(default_factory=requests.Session)

    def _post(self, path: str, action: str, message: dict[str, Any]) -> dict[str, Any]:
        body = {
            "header": {
                "version": VERSION,
                "message_id": str(uuid.uuid4()),
                "message_ts": dt.datetime.now(dt.UTC).isoformat(),
                "action": action,
                "sender_id": self.sender_id,
                "total_count": 1,
                "is_msg_encrypted": False,
            },
            "message": message,
        }
        url = self.base.rstrip("/") + "/" + path
        try:
            answer = self.session.post(
                url,
                json=body,
                headers={"Authorization": f"Bearer {self.token}"},
                timeout=self.timeout,
            )
        except requests.RequestException as error:
            raise DciError(f"{url}: {error}") from None  # requests' own words

        if answer.status_code != 200:
            raise DciError(
                said(
                    "{url}: HTTP {status}: {text}",
                    url=url,
                    status=answer.status_code,
                    text=answer.text[:300],
                )
            )
        try:
            data = answer.json()
        except ValueError:
            raise DciError(said("{url}: the answer is not JSON", url=url)) from None
        if not isinstance(data, dict) or not isinstance(data.get("message"), dict):
            raise DciError(said("{url}: the answer has no 'message' object", url=url))
        return data

    def _search(self, criteria: dict[str, Any]) -> dict[str, Any]:
        message = {
            "transaction_id": str(uuid.uuid4()),
            "search_request": [
                {
                    "reference_id": str(uuid.uuid4()),
                    "timestamp": dt.datetime.now(dt.UTC).isoformat(),
                    "search_criteria": criteria,
                }
            ],
        }
        data = self._post("registry/sync/search", "search", message)
        answers = data["message"].get("search_response")
        if not isinstance(answers, list) or len(answers) != 1:
            raise DciError(said("the answer has no single 'search_response'"))
        one: dict[str, Any] = answers[0]
        if one.get("status") != "succ":
            raise DciError(
                said(
                    "search rejected: {code}: {reason}",
                    code=one.get("status_reason_code"),
                    reason=one.get("status_reason_message"),
                )
            )
        return one

    def search_id(
        self, id_type: str, value: str, *, fields: Sequence[str] = ()
    ) -> list[dict[str, Any]]:
        """The records of the identifier ``value`` of type ``id_type``."""
        one = self._search(
            {
                "version": VERSION,
                "query_type": "idtype-value",
                "query": {"type": id_type, "value": value},
                "response_fields": list(fields),
            }
        )
        records: list[dict[str, Any]] = one.get("data", {}).get("reg_records", [])
        return records

    def search(
        self, predicates: Sequence[Predicate], *, fields: Sequence[str] = (), page_size: int = 100
    ) -> Iterator[dict[str, Any]]:
        """Every record for which all ``predicates`` hold, page after page."""
        query = [
            {"seq_num": i, "expression1": p.to_dci()} for i, p in enumerate(predicates, start=1)
        ]
        number = 1
        while True:
            one = self._search(
                {
                    "version": VERSION,
                    "query_type": "expression",
                    "query": query,
                    "response_fields": list(fields),
                    "pagination": {"page_size": page_size, "page_number": number},
                }
            )
            records = one.get("data", {}).get("reg_records", [])
            yield from records
            total = int(one.get("pagination", {}).get("total_count", 0))
            if number * page_size >= total or not records:
                return
            number += 1

    def enrolled(self, person_id: str, programme: str) -> bool:
        """Whether the person ``person_id`` is an enrolled beneficiary of ``programme`` there."""
        message = {
            "transaction_id": str(uuid.uuid4()),
            "enrolled_request": [
                {
                    "reference_id": str(uuid.uuid4()),
                    "timestamp": dt.datetime.now(dt.UTC).isoformat(),
                    "enrolled_criteria": {
                        "query_type": "expression",
                        "query": {
                            "person_identifier": {"eq": person_id},
                            "programme_identifier": {"eq": programme},
                        },
                    },
                }
            ],
        }
        data = self._post("registry/sync/enrolled", "enrolled", message)
        answers = data["message"].get("enrolled_response")
        if not isinstance(answers, list) or len(answers) != 1:
            raise DciError(said("the answer has no single 'enrolled_response'"))
        status = answers[0].get("enrolled_status")
        if status not in ("yes", "no"):
            raise DciError(
                said("enrolled_status {status} is neither 'yes' nor 'no'", status=repr(status))
            )

        return bool(status == "yes")
