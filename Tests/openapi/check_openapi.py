"""Checks docs/openapi.yaml against the gateway: OpenAPITests.swift runs this with the tests' Python.

Reads one JSON object on standard input:
  {"spec": PATH, "routes": [[METHOD, PATH], ...], "answers": [{"method", "route", "status", "content_type", "body"}]}
and prints {"problems": [...]} (empty when all holds): the document is valid OpenAPI 3.1; its operations are exactly
the server's routes; every answer's status is documented for its operation, and its body is valid against the
schema documented for that status and content type.
"""
import json
import sys

import yaml
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate as validate_spec

METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def resolve(spec, node):
    """Follows a local $ref (responses are referenced from components)."""
    while isinstance(node, dict) and "$ref" in node:
        pointer = node["$ref"]
        assert pointer.startswith("#/"), pointer
        node = spec
        for part in pointer[2:].split("/"):
            node = node[part]
    return node


def main():
    request = json.load(sys.stdin)
    with open(request["spec"], encoding="utf-8") as handle:
        spec = yaml.safe_load(handle)
    problems = []
    try:
        validate_spec(spec)
    except Exception as error:  # the validator's own error types vary between versions
        problems.append(f"docs/openapi.yaml is not valid OpenAPI 3.1: {error}")

    documented = {(method.upper(), path) for path, item in spec.get("paths", {}).items() for method in item if method in METHODS}
    served = {(method, path) for method, path in request["routes"]}
    for method, path in sorted(served - documented):
        problems.append(f"{method} {path} is served but not documented")
    for method, path in sorted(documented - served):
        problems.append(f"{method} {path} is documented but not served")

    for answer in request["answers"]:
        where = f"{answer['method']} {answer['route']} -> {answer['status']}"
        operation = spec.get("paths", {}).get(answer["route"], {}).get(answer["method"].lower())
        if operation is None:
            problems.append(f"{where}: no such operation in the document")
            continue
        responses = operation.get("responses", {})
        response = resolve(spec, responses.get(str(answer["status"])) or responses.get("default"))
        if response is None:
            problems.append(f"{where}: status not documented")
            continue
        content = response.get("content", {})
        body = answer["body"]
        if not content:
            if body:
                problems.append(f"{where}: a body where the document has none")
            continue
        media = (answer.get("content_type") or "").split(";")[0].strip().lower()
        if media not in content:
            problems.append(f"{where}: Content-Type {media!r} not documented ({', '.join(content)})")
            continue
        schema = content[media].get("schema")
        if schema is None or media != "application/json":
            continue
        try:
            value = json.loads(body)
        except ValueError as error:
            problems.append(f"{where}: the body is not JSON: {error}")
            continue
        # The schema's $refs point into the document: validate from a root that carries its components.
        root = {"allOf": [schema], "components": spec.get("components", {})}
        validator = OAS31Validator(root, format_checker=OAS31Validator.FORMAT_CHECKER)
        for error in validator.iter_errors(value):
            problems.append(f"{where}: {error.message} at {'/'.join(map(str, error.absolute_path)) or 'the top'}; body {body[:300]}")
    json.dump({"problems": problems}, sys.stdout)


if __name__ == "__main__":
    main()
