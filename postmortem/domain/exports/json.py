"""The post-mortem and its whole incident record as JSON, for tooling."""

import json

from postmortem.domain.exports.document import Document


def export(document: Document) -> bytes:
    text = json.dumps(document.to_dict(), indent=2, ensure_ascii=False,
                      sort_keys=False)
    return (text + "\n").encode("utf-8")
