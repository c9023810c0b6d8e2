"""OpenAPI links: what a create returns leads to the operations that take it.

A client (or a stateful test) reads from the document that the `id` of a scheduled sitting is
the `{sitting}` of its status, agenda, state and motions, and so on. Links are added to the
generated document by path and method, so the routers stay as they are.
"""

from __future__ import annotations

from typing import Any

ORG = "/api/v1/organizations/{slug}"
SLUG = {"slug": "$request.path.slug"}

# (created by POST path, status) → the operations its `id` feeds, as (method, path, parameter).
LINKS: dict[str, list[tuple[str, str, str]]] = {
    f"{ORG}/sittings": [
        ("get", f"{ORG}/sittings/{{sitting}}", "sitting"),
        ("post", f"{ORG}/sittings/{{sitting}}/state", "sitting"),
        ("post", f"{ORG}/sittings/{{sitting}}/agenda", "sitting"),
        ("get", f"{ORG}/sittings/{{sitting}}/attendance", "sitting"),
        ("post", f"{ORG}/sittings/{{sitting}}/motions", "sitting"),
        ("post", f"{ORG}/sittings/{{sitting}}/polls", "sitting"),
        ("get", f"{ORG}/sittings/{{sitting}}/minutes", "sitting"),
    ],
    f"{ORG}/sittings/{{sitting}}/motions": [
        ("get", f"{ORG}/motions/{{motion}}", "motion"),
        ("post", f"{ORG}/motions/{{motion}}/state", "motion"),
        ("post", f"{ORG}/motions/{{motion}}/vote", "motion"),
    ],
    f"{ORG}/sittings/{{sitting}}/polls": [
        ("get", f"{ORG}/polls/{{poll}}", "poll"),
        ("post", f"{ORG}/polls/{{poll}}/close", "poll"),
    ],
    f"{ORG}/motions/{{motion}}/vote": [
        ("get", f"{ORG}/polls/{{poll}}", "poll"),
        ("post", f"{ORG}/polls/{{poll}}/close", "poll"),
    ],
    f"{ORG}/elections": [
        ("get", f"{ORG}/elections/{{election}}", "election"),
        ("post", f"{ORG}/elections/{{election}}/candidates", "election"),
    ],
    f"{ORG}/petitions": [
        ("get", f"{ORG}/petitions/{{petition}}", "petition"),
    ],
    f"{ORG}/recalls": [
        ("get", f"{ORG}/recalls/{{recall}}", "recall"),
        ("post", f"{ORG}/recalls/{{recall}}/paper-signatures", "recall"),
    ],
    f"{ORG}/instructions": [
        ("get", f"{ORG}/instructions/{{instruction}}", "instruction"),
    ],
}


# Where a created object's number is not called `id` in its answer.
ID_FIELD = {f"{ORG}/sittings": "sitting"}


def add_links(spec: dict[str, Any]) -> dict[str, Any]:
    """Add the links of LINKS to the POST operations' success responses (in place)."""
    paths = spec.get("paths", {})
    for source, targets in LINKS.items():
        operation = paths.get(source, {}).get("post")
        if operation is None:
            continue
        status = next((s for s in ("201", "200") if s in operation["responses"]), None)
        if status is None:
            continue
        links = operation["responses"][status].setdefault("links", {})
        field = ID_FIELD.get(source, "id")
        for method, path, parameter in targets:
            target = paths.get(path, {}).get(method)
            if target is None:
                continue
            links[target["operationId"]] = {
                "operationId": target["operationId"],
                "parameters": {**SLUG, parameter: f"$response.body#/{field}"},
            }
    return spec
