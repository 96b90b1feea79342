"""The API's JSON parser: a body Python can parse but the portal cannot hold is a 400, not a 500."""

import json

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class StrictJSONParser(JSONParser):
    """DRF's parser, refusing what json.loads lets through: a lone surrogate (`"\\ud800"` is no character, and
    PostgreSQL, the CSV writer and the answer's own encoder all fail on it) and nesting too deep to walk
    (RecursionError, which DRF does not catch)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
            json.dumps(data, ensure_ascii=False).encode()
        except RecursionError as exc:
            raise ParseError("JSON parse error - the body is nested too deeply.") from exc
        except UnicodeEncodeError as exc:
            raise ParseError("JSON parse error - the body holds a lone surrogate, which is no character.") from exc
        return data
