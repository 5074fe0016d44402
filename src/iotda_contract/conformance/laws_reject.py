"""The law on invalid input: every value outside the spec's constraints is refused with 400, API format."""

from __future__ import annotations

import json
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jsonschema_rs
from hypothesis import strategies as st
from hypothesis.strategies import DataObject

from iotda_contract.conformance.context import LawContext, fail
from iotda_contract.conformance.registry import law
from iotda_contract.conformance.strategies import from_schema
from iotda_contract.conformance.target import Exchange
from iotda_contract.mock.errors import ApiError
from iotda_contract.mock.validation import compile_parameter
from iotda_contract.spec import Parameter, Schema

#: Texts no integer parser should read as an integer.
_NOT_INTEGERS = ("abc", "1.5", "one", "5a", "true", "1,2")
#: Characters no identifier pattern of the spec admits; one is spliced into a valid value. No white space:
#: a server may trim it from a header, and JSON text ignores it.
_ODD_CHARACTERS = "!.:~@#%^&*()[]{}<>?/|=\"'gGzZ"


def satisfies(schema: Schema, value: str) -> bool:
    """Whether the text ``value`` satisfies a parameter's schema, as the server must read it."""
    return json_text_valid(Parameter("value", "query", False, schema), value)


def json_text_valid(parameter: Parameter, value: str) -> bool:
    """Whether ``value`` is valid text for ``parameter``: the mock's validator decides, the one there is."""
    try:
        _compiled(json.dumps([parameter.schema, parameter.json_schema], sort_keys=True))(value)
    except ApiError:
        return False
    return True


@lru_cache(maxsize=256)
def _compiled(schemas: str) -> Callable[[str], Any]:
    schema, json_schema = json.loads(schemas)
    return compile_parameter(Parameter("value", "query", False, schema, json_schema=json_schema))


def invalid_values(parameter: Parameter) -> st.SearchStrategy[str]:
    """Texts outside ``parameter``'s constraints: out of range, wrong type, bad character, too long."""
    schema = parameter.schema
    options: list[st.SearchStrategy[str]] = []
    if schema.get("type") == "integer":
        if "minimum" in schema:
            options.append(st.integers(schema["minimum"] - 1000, schema["minimum"] - 1).map(str))
        if "maximum" in schema:
            options.append(st.integers(schema["maximum"] + 1, schema["maximum"] + 1000).map(str))
        options.append(st.sampled_from(_NOT_INTEGERS))
    else:
        valid = from_schema(schema) if "pattern" in schema else st.sampled_from(schema.get("enum") or ["x"])
        options.append(
            st.tuples(valid, st.sampled_from(_ODD_CHARACTERS), st.integers(0, 64)).map(
                lambda t: t[0][: t[2]] + t[1] + t[0][t[2] :]
            )
        )
        if "maxLength" in schema:
            options.append(st.text(string.ascii_letters + string.digits, min_size=schema["maxLength"] + 1,
                                   max_size=schema["maxLength"] + 20))  # fmt: skip
        if "pattern" in schema:
            options.append(from_schema({"pattern": schema["pattern"]}).map(lambda s: s + s[:1]))
            options.append(from_schema({"pattern": schema["pattern"]}).map(lambda s: s[:-1]))
            if parameter.location == "query":  # a header cannot carry a newline; a query can (%0A)
                options.append(from_schema({"pattern": schema["pattern"]}).map(lambda s: s + "\n"))
        if "enum" in schema:
            options.append(st.text(string.ascii_letters, min_size=1, max_size=12))
    if parameter.json_schema is not None:
        options.append(_invalid_json(parameter.json_schema))
    return st.one_of(options).filter(lambda v: bool(v) and not json_text_valid(parameter, v))


def _invalid_json(schema: Schema) -> st.SearchStrategy[str]:
    keys = list(schema.get("properties", {})) or ["key"]
    return st.one_of(
        st.sampled_from(["{", "[]", "null", '"text"', "42", "{}{}"]),
        st.tuples(st.sampled_from(keys), st.text(string.ascii_letters, min_size=1, max_size=30)).map(
            lambda t: json.dumps({t[0]: t[1]})
        ),
        st.sampled_from(keys).map(lambda k: json.dumps({k: "0" * 24, "unexpected": 1})),
        st.sampled_from(keys).map(lambda k: json.dumps({k: 24})),
    )


def boundary_values(parameter: Parameter) -> list[str]:
    """The values just outside every bound of ``parameter``'s constraints: one past each limit."""
    schema = parameter.schema
    out: list[str] = []
    if schema.get("type") == "integer":
        out += [str(schema[k] + d) for k, d in (("minimum", -1), ("maximum", 1)) if k in schema]
        return out
    valid = _valid_text(parameter)
    if "maxLength" in schema:
        out.append(_padded(parameter, valid, int(schema["maxLength"]) + 1))
    if int(schema.get("minLength", 0)) > 0:
        out.append(valid[: int(schema["minLength"]) - 1])
    if "enum" in schema:
        out.append(valid + "x")
    if "pattern" in schema:
        out += [valid[:-1], valid + valid[-1:], valid[:1] + "!" + valid[1:]]
    if parameter.json_schema is not None:
        keys = list(parameter.json_schema.get("properties", {}))
        inner = json.loads(valid) if valid.startswith("{") else {}
        out += [json.dumps({**inner, "unexpected": 1}), "{", "[]"]
        out += [json.dumps({**inner, key: str(inner.get(key, "x")) + "!"}) for key in keys]
    return [v for v in dict.fromkeys(out) if not json_text_valid(parameter, v)]


def _valid_text(parameter: Parameter) -> str:
    schema = parameter.schema
    for candidate in (*(schema.get("enum") or ()), schema.get("default"), schema.get("example")):
        if isinstance(candidate, str) and json_text_valid(parameter, candidate):
            return candidate
    raise ValueError(f"parameter {parameter.name!r} needs a valid example to build invalid values from")


def _padded(parameter: Parameter, valid: str, length: int) -> str:
    """``valid`` grown to ``length`` characters without breaking any other constraint."""
    if parameter.json_schema is not None and valid.endswith("}"):
        return valid[:-1] + " " * (length - len(valid)) + "}"
    return (valid * (length // max(len(valid), 1) + 1))[:length]


@law("reject-invalid", "Every value outside the spec's constraints, and a missing required parameter, is "
     "refused with 400 and the API's error body.")  # fmt: skip
def reject_invalid(ctx: LawContext, data: DataObject) -> None:
    c = ctx.contract
    checked = [p for p in c.list_op.parameters if p.location in ("query", "header")]

    def probes() -> Iterator[_Probe]:  # drawn as they are sent (with --concurrency: all drawn first)
        for parameter in checked:
            for value in boundary_values(parameter):
                yield _Probe(parameter, value, memo=True)
            yield _Probe(parameter, data.draw(invalid_values(parameter), label=parameter.name))
        for parameter in (p for p in checked if p.required and p.location == "query"):
            yield _Probe(parameter, None, memo=True)

    for probe, exchange in ctx.fetch_all(probes(), lambda probe: _send_probe(ctx, probe)):
        _check_refused(ctx, probe, exchange)
    _check_repeated(ctx)


@dataclass(frozen=True)
class _Probe:
    """One invalid request: ``parameter`` set to ``value`` (None: left out); ``memo``: sent once a run."""

    parameter: Parameter
    value: str | None
    memo: bool = False

    def request(self, ctx: LawContext) -> tuple[dict[str, str], dict[str, str], str]:
        """The query, the headers, and the request in words."""
        query = dict(ctx.contract.required_query)
        headers = ctx.target.headers()
        if self.value is None:
            query.pop(self.parameter.name, None)
            return query, headers, f"without the required {self.parameter.name}"
        (headers if self.parameter.location == "header" else query)[self.parameter.name] = self.value
        return query, headers, f"{self.parameter.name}={self.value!r}"


def _send_probe(ctx: LawContext, probe: _Probe) -> Exchange:
    query, headers, _ = probe.request(ctx)
    return _send(ctx, list(query.items()), headers, memo=probe.memo)


def _check_refused(ctx: LawContext, probe: _Probe, exchange: Exchange) -> None:
    """The probe's value (None: the parameter left out) must be refused with 400 and the API's error body.

    A value that only a decision of the contract refuses (valid as the description states it) is held to
    that decision: another answer is a deviation, not a violation.
    """
    parameter, value = probe.parameter, probe.value
    described = probe.request(ctx)[2]
    decided = value is not None and json_text_valid(ctx.platform.parameter(parameter.name), value)
    problem = _refusal_problem(ctx, exchange, described)
    if problem is None:
        return
    if not decided:
        raise fail(problem, exchange)
    ids = ctx.responsible(lambda view: json_text_valid(view.parameter(parameter.name), str(value)), "request")
    ctx.deviate(ids, problem, exchange)


def _check_repeated(ctx: LawContext) -> None:
    """Decision repeated-parameter: a query parameter given twice is refused with 400."""
    c = ctx.contract
    query = [*c.required_query, (c.limit.name, str(c.limit.minimum)), (c.limit.name, str(c.limit.maximum))]
    exchange = _send(ctx, query, ctx.target.headers(), memo=True)
    problem = _refusal_problem(ctx, exchange, f"{c.limit.name} given twice")
    if problem is not None:
        ctx.deviate("repeated-parameter", problem, exchange)


def _send(ctx: LawContext, query: list[tuple[str, str]], headers: dict[str, str], *, memo: bool) -> Exchange:
    key = (tuple(query), tuple(sorted(headers.items())))
    if memo and key in ctx.memo:
        return ctx.memo[key]
    exchange = ctx.target.list_raw(query, headers=headers)
    if memo:
        ctx.memo[key] = exchange
    return exchange


def _refusal_problem(ctx: LawContext, exchange: Exchange, described: str) -> str | None:
    """Why ``exchange`` is not a proper refusal (400, the API's error body, a 400 code the spec names)."""
    c = ctx.contract
    if exchange.status != 400:
        return f"{described} was answered {exchange.status}, not 400"
    body: Any = exchange.json()
    error = next(iter(jsonschema_rs.Draft7Validator(c.error_schema).iter_errors(body)), None)
    if error is not None:
        return f"{described}: the 400 body is not the API's error format ({error.message})"
    if c.bad_request_codes and body.get("error_code") not in c.bad_request_codes:
        return (f"{described}: error_code {body.get('error_code')!r} is none of the 400 codes the spec "
                f"names ({', '.join(sorted(c.bad_request_codes))})")  # fmt: skip
    return None
