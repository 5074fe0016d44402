"""The spec's constraints and paging, shaped for the client templates (openapi-python-client drops them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from openapi_python_client.parser.bodies import Body, BodyType
from openapi_python_client.parser.properties.enum_property import EnumProperty
from openapi_python_client.parser.properties.list_property import ListProperty
from openapi_python_client.parser.properties.model_property import ModelProperty
from openapi_python_client.parser.properties.protocol import PropertyProtocol

from iotda_contract.spec import Operation, Schema, Spec, flatten, keywords


class CodegenError(RuntimeError):
    """The spec or the generator's model cannot be turned into the client this project promises."""


class _Endpoint(Protocol):
    """What the contract reads from openapi-python-client's ``Endpoint`` (a template variable)."""

    path: Any
    method: str
    path_parameters: list[Any]
    query_parameters: list[Any]
    header_parameters: list[Any]
    cookie_parameters: list[Any]
    bodies: list[Any]
    responses: Any


@dataclass(frozen=True)
class ParameterRule:
    """One argument of a generated function and the constraints it must meet before a request is sent."""

    python_name: str
    wire_name: str
    location: str
    required: bool
    schema: Schema
    #: For a parameter carrying JSON text: the schema of the decoded value.
    json_schema: Schema | None
    #: For an enum parameter: the generated enum class, which the endpoint builds from a plain value.
    enum_class: str | None


@dataclass(frozen=True)
class BodyRule:
    """The request body's argument and the schema its JSON form must meet."""

    python_name: str
    required: bool
    schema: Schema
    #: For a JSON body of a generated model: the model class, which the endpoint builds from a dict.
    model_class: str | None


@dataclass(frozen=True)
class PagingPlan:
    """How a generated paginator walks one operation, resolved against the generated models."""

    marker_argument: str
    offset_argument: str | None
    limit_argument: str
    #: The page size the server uses when no limit is sent (the spec's default), if the spec has one.
    limit_default: int | None
    page_type: str
    item_type: str
    #: Attribute chain from the parsed page to its list of items (every step is required).
    items_attributes: tuple[str, ...]
    #: Attribute chain from the parsed page to the next marker (only the last step may be unset).
    marker_attributes: tuple[str, ...]
    marker_optional: bool
    imports: tuple[str, ...]
    #: The extension as written, for the generated docstrings.
    items_pointer: str
    next_marker_pointer: str


@dataclass(frozen=True)
class OperationContract:
    """Everything an endpoint template needs beyond openapi-python-client's own model."""

    operation_id: str
    parameters: tuple[ParameterRule, ...]
    body: BodyRule | None
    paging: PagingPlan | None


def constraints(schema: Any, where: str) -> Schema:
    """``schema`` without its annotations; fails on anything the spec's keyword module does not enforce."""
    result = _without_annotations(schema, where)
    try:
        keywords.compile_schema(result, where)
    except keywords.SchemaError as err:
        raise CodegenError(
            f"{err}; the generated client's checker (src/iotda_contract/spec/keywords.py) does not enforce it"
        ) from err
    return result


def _without_annotations(schema: Any, where: str) -> Schema:
    if not isinstance(schema, dict):
        raise CodegenError(f"{where}: a schema must be an object, not {schema!r}")
    result: Schema = {}
    for keyword, value in schema.items():
        if keyword in keywords.ANNOTATIONS:
            continue
        if keyword == "properties" and isinstance(value, dict):
            value = {
                name: _without_annotations(sub, f"{where}/properties/{name}") for name, sub in value.items()
            }
        elif keyword == "items":
            value = _without_annotations(value, f"{where}/items")
        result[keyword] = value
    return result


class Contract:
    """The ``contract`` global of the jinja environment: the spec, looked up by generated endpoint."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self._by_route = {(op.path, op.method.upper()): op for op in spec.operations.values()}

    def operation(self, endpoint: _Endpoint) -> OperationContract:
        """The contract of the operation openapi-python-client parsed as ``endpoint``."""
        route = (_text(endpoint.path), endpoint.method.upper())
        op = self._by_route.get(route)
        if op is None:
            raise CodegenError(f"the spec has no operation {route[1]} {route[0]}")
        return OperationContract(
            operation_id=op.operation_id,
            parameters=self._parameters(op, endpoint),
            body=self._body(op, endpoint),
            paging=self._paging(op, endpoint),
        )

    def declare(self, prop: PropertyProtocol) -> str:
        """The argument declaration of ``prop``: the generator's, with an enum also taking its values.

        ``resource_type: ResourceType`` becomes ``resource_type: ResourceType | str``; the endpoint
        checks a plain value against the spec's enum and turns it into the member before use.
        """
        declaration = _code(prop.to_string())
        if not isinstance(prop, EnumProperty):
            return declaration
        members = _code(prop.get_type_string(no_optional=True))
        widened = f"{members} | {prop.value_type.__name__}" + ("" if prop.required else " | Unset")
        return _replace_type(declaration, prop, widened)

    def body_type(self, body: Body) -> str:
        """The type of the ``body`` argument: a JSON body of a generated model also takes a dict."""
        prop = body.prop
        stock = _code(prop.get_type_string())
        if body.body_type != BodyType.JSON or not isinstance(prop, ModelProperty):
            return stock
        model = _code(prop.get_type_string(no_optional=True))
        return f"{model} | dict[str, Any]" + ("" if prop.required else " | Unset")

    def _parameters(self, op: Operation, endpoint: _Endpoint) -> tuple[ParameterRule, ...]:
        generated: dict[tuple[str, str], Any] = {}
        for location, props in (
            ("path", endpoint.path_parameters),
            ("query", endpoint.query_parameters),
            ("header", endpoint.header_parameters),
            ("cookie", endpoint.cookie_parameters),
        ):
            for prop in props:
                generated[(location, _text(prop.name))] = prop
        rules: list[ParameterRule] = []
        for param in op.parameters:
            prop = generated.pop((param.location, param.name), None)
            if prop is None:
                raise CodegenError(
                    f"{op.operation_id}: the generator dropped {param.location} {param.name!r}"
                )
            where = f"{op.operation_id} parameter {param.name!r}"
            rules.append(
                ParameterRule(
                    python_name=str(prop.python_name),
                    wire_name=param.name,
                    location=param.location,
                    required=param.required,
                    schema=constraints(param.schema, where),
                    json_schema=None
                    if param.json_schema is None
                    else constraints(param.json_schema, f"{where} (JSON text)"),
                    enum_class=str(prop.class_info.name) if isinstance(prop, EnumProperty) else None,
                )
            )
        if generated:
            raise CodegenError(f"{op.operation_id}: parameters unknown to the spec: {sorted(generated)}")
        return tuple(rules)

    def _body(self, op: Operation, endpoint: _Endpoint) -> BodyRule | None:
        if op.request_body_schema is None:
            if endpoint.bodies:
                raise CodegenError(f"{op.operation_id}: a body the spec's JSON content does not describe")
            return None
        if len(endpoint.bodies) != 1:
            raise CodegenError(f"{op.operation_id}: expected one generated body, got {len(endpoint.bodies)}")
        request_body = flatten(self.spec.raw, op.raw.get("requestBody", {}))
        body: Body = endpoint.bodies[0]
        is_json = body.body_type == BodyType.JSON
        model = body.prop if is_json and isinstance(body.prop, ModelProperty) else None
        return BodyRule(
            python_name=str(body.prop.python_name),
            required=bool(request_body.get("required", False)),
            schema=constraints(op.request_body_schema, f"{op.operation_id} request body"),
            model_class=None if model is None else str(model.class_info.name),
        )

    def _paging(self, op: Operation, endpoint: _Endpoint) -> PagingPlan | None:
        paging = op.paging
        if paging is None:
            return None
        names = {r.wire_name: r for r in self._parameters(op, endpoint) if r.location == "query"}
        for wire in (paging.marker_parameter, paging.limit_parameter, paging.offset_parameter):
            if wire is not None and wire not in names:
                raise CodegenError(f"{op.operation_id}: x-iotda-paging names no query parameter {wire!r}")
        offset = names[paging.offset_parameter] if paging.offset_parameter else None
        if offset is not None and offset.required:
            raise CodegenError(f"{op.operation_id}: a paginator sends offset on the first page only")
        limit = names[paging.limit_parameter]
        limit_default = op.parameter(paging.limit_parameter).schema.get("default")
        if limit.schema.get("type") != "integer" or not (
            limit_default is None or (isinstance(limit_default, int) and not isinstance(limit_default, bool))
        ):
            raise CodegenError(f"{op.operation_id}: the limit {paging.limit_parameter!r} must be an integer")
        page_prop = _success_model(op, endpoint)
        items_chain, items_prop, _ = _walk(page_prop, paging.items_pointer, op.operation_id)
        if not isinstance(items_prop, ListProperty):
            raise CodegenError(f"{op.operation_id}: {paging.items_pointer} is not an array")
        marker_chain, marker_prop, marker_optional = _walk(
            page_prop, paging.next_marker_pointer, op.operation_id, last_may_be_optional=True
        )
        marker_type = _code(marker_prop.get_type_string(no_optional=True))
        if marker_type != "str":
            raise CodegenError(f"{op.operation_id}: {paging.next_marker_pointer} is {marker_type}, not str")
        inner = items_prop.inner_property
        return PagingPlan(
            marker_argument=names[paging.marker_parameter].python_name,
            offset_argument=offset.python_name if offset else None,
            limit_argument=limit.python_name,
            limit_default=limit_default,
            page_type=_code(page_prop.get_type_string(no_optional=True)),
            item_type=_code(inner.get_type_string(no_optional=True)),
            items_attributes=items_chain,
            marker_attributes=marker_chain,
            marker_optional=marker_optional,
            imports=_imports(inner),
            items_pointer=paging.items_pointer,
            next_marker_pointer=paging.next_marker_pointer,
        )


def _success_model(op: Operation, endpoint: _Endpoint) -> ModelProperty:
    for response in endpoint.responses.patterns:
        low, high = response.status_code.range
        if low >= 200 and high < 300 and isinstance(response.prop, ModelProperty):
            return response.prop
    raise CodegenError(f"{op.operation_id}: a paged operation needs a 2xx JSON object response")


def _walk(
    model: ModelProperty, pointer: str, operation_id: str, *, last_may_be_optional: bool = False
) -> tuple[tuple[str, ...], PropertyProtocol, bool]:
    """Python attribute names along ``pointer`` through the generated models, and the last property."""
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.lstrip("/").split("/")]
    chain: list[str] = []
    node: PropertyProtocol = model
    optional = False
    for index, part in enumerate(parts):
        if not isinstance(node, ModelProperty):
            raise CodegenError(f"{operation_id}: {pointer} walks through a non-object at {part!r}")
        required = {_text(p.name): p for p in node.required_properties or []}
        optional_props = {_text(p.name): p for p in node.optional_properties or []}
        last = index == len(parts) - 1
        if part in required:
            node = required[part]
        elif part in optional_props and last and last_may_be_optional:
            node, optional = optional_props[part], True
        else:
            raise CodegenError(
                f"{operation_id}: {pointer} step {part!r} must be a required property of {_text(node.name)}"
            )
        chain.append(str(node.python_name))
    return tuple(chain), node, optional


def _imports(prop: PropertyProtocol) -> tuple[str, ...]:
    """What an endpoint module must import to name ``prop``'s type (models are imported lazily)."""
    imports = set(prop.get_imports(prefix="..."))
    lazy = getattr(prop, "get_lazy_imports", None)
    if lazy is not None:
        imports.update(lazy(prefix="..."))
    return tuple(sorted(imports))


def _replace_type(declaration: str, prop: PropertyProtocol, type_string: str) -> str:
    """``declaration`` (``name: type = default``) with its type replaced by ``type_string``."""
    prefix = f"{prop.python_name}: {_code(prop.get_type_string())}"
    if not declaration.startswith(prefix):
        raise CodegenError(f"unexpected declaration from the generator: {declaration!r}")
    return f"{prop.python_name}: {type_string}{declaration[len(prefix) :]}"


def _text(value: Any) -> str:
    """The raw text of an openapi-python-client ``UntrustedString`` (or of a plain string)."""
    getter = getattr(value, "get_untrusted_value", None)
    return str(getter() if getter is not None else value)


def _code(value: Any) -> str:
    """The text of an openapi-python-client ``PythonCode`` (or of a plain string)."""
    getter = getattr(value, "as_unembedded_code", None)
    return str(getter() if getter is not None else value)
