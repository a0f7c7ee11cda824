//! Writes every binding's operation code and types from the core's table
//! ([`tuma::ops::describe`]): the Python methods (sync and async), the TypeScript request
//! types and API interfaces, the PHP classes (FFI wrapper and extension stub and C
//! source), the C ABI's named-function lists (and the C ABI fuzz harness's declarations
//! of them), and docs/operations.md.
//!
//! Whole files are written where the file is nothing but the table's translation; elsewhere
//! the generator owns the text between a `BEGIN GENERATED … <region>` line and its
//! `END GENERATED … <region>` line and leaves the rest (result types, errors, options) to
//! hand-written code.

use std::fmt::Write as _;

use serde_json::Value;

/// One file the generator writes: its path from the workspace root and its new text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// Path from the workspace root.
    pub path: &'static str,
    /// The whole new text of the file.
    pub text: String,
}

/// A field of a request.
#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub kind: String,
    pub values: Vec<String>,
    pub item: Option<String>,
    pub item_fields: Vec<Field>,
    pub required: bool,
    pub doc: String,
}

/// An operation or utility of the table.
#[derive(Debug, Clone)]
pub struct Op {
    pub name: String,
    pub group: String,
    pub method: String,
    pub doc: String,
    pub money: bool,
    pub request: String,
    pub fields: Vec<Field>,
    /// Result type name; `None` for utilities (a JSON object).
    pub result: Option<String>,
    pub nullable: bool,
}

/// A callback kind.
#[derive(Debug, Clone)]
pub struct Callback {
    pub kind: String,
    pub group: String,
    pub method: String,
    pub result: String,
}

/// The table, read from `describe()`'s JSON.
#[derive(Debug, Clone)]
pub struct Table {
    pub operations: Vec<Op>,
    pub utilities: Vec<Op>,
    pub callbacks: Vec<Callback>,
}

fn text(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or("").to_string()
}

fn fields(v: &Value) -> Vec<Field> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|f| Field {
                    name: text(f, "name"),
                    kind: text(f, "type"),
                    values: f["values"]
                        .as_array()
                        .map(|v| {
                            v.iter()
                                .filter_map(|s| s.as_str().map(String::from))
                                .collect()
                        })
                        .unwrap_or_default(),
                    item: f.get("item").and_then(Value::as_str).map(String::from),
                    item_fields: fields(&f["fields"]),
                    required: f["required"].as_bool().unwrap_or(false),
                    doc: text(f, "doc"),
                })
                .collect()
        })
        .unwrap_or_default()
}

impl Table {
    /// Reads the table from `describe()`'s JSON.
    pub fn from_json(d: &Value) -> Table {
        let op = |o: &Value, utility: bool| Op {
            name: text(o, "name"),
            group: text(o, "group"),
            method: text(o, "method"),
            doc: text(o, "doc"),
            money: o["money"].as_bool().unwrap_or(false),
            request: text(o, "request"),
            fields: fields(&o["fields"]),
            result: (!utility).then(|| text(o, "result")),
            nullable: o["nullable"].as_bool().unwrap_or(false),
        };
        let list = |key: &str| d[key].as_array().cloned().unwrap_or_default();
        Table {
            operations: list("operations").iter().map(|o| op(o, false)).collect(),
            utilities: list("utilities").iter().map(|o| op(o, true)).collect(),
            callbacks: list("callbacks")
                .iter()
                .map(|c| Callback {
                    kind: text(c, "kind"),
                    group: text(c, "group"),
                    method: text(c, "method"),
                    result: text(c, "result"),
                })
                .collect(),
        }
    }

    /// The table of this build of the core.
    pub fn current() -> Table {
        Table::from_json(&tuma::ops::describe())
    }

    /// The operation groups, in table order.
    fn groups(&self) -> Vec<&str> {
        let mut groups: Vec<&str> = Vec::new();
        for op in &self.operations {
            if !groups.contains(&op.group.as_str()) {
                groups.push(&op.group);
            }
        }
        groups
    }
}

/// A group's class names and description: (Python, PHP, TypeScript interface, doc).
fn group_info(group: &str) -> (String, String, String, String) {
    let (py, php, doc) = match group {
        "statum" => (
            "Statum",
            "Statum",
            "Statum: SMS, airtime and account details",
        ),
        "daraja" => ("Daraja", "Daraja", "Safaricom Daraja: M-Pesa"),
        "umspay" => (
            "UmsPay",
            "UmsPay",
            "UMS Pay: M-Pesa STK push through Umeskia",
        ),
        "journal" => (
            "Journal",
            "Journal",
            "The payment journal: reconcile payments whose outcome is not known yet",
        ),
        "callbacks" => (
            "Callbacks",
            "Inbox",
            "Receiving callbacks: parse, claim, complete or release",
        ),
        other => {
            let mut c = other.chars();
            let cap = c
                .next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default();
            return (
                cap.clone(),
                cap.clone(),
                format!("{cap}Api"),
                format!("The `{other}` operations"),
            );
        }
    };
    (py.into(), php.into(), format!("{py}Api"), doc.into())
}

/// `snake_case` → `camelCase`; `php` capitalises a non-first `c2b` as `C2B` (the PHP
/// binding's spelling).
fn camel(snake: &str, php: bool) -> String {
    let mut out = String::new();
    for (i, word) in snake.split('_').enumerate() {
        if i == 0 {
            out.push_str(word);
        } else if php && word == "c2b" {
            out.push_str("C2B");
        } else {
            let mut c = word.chars();
            if let Some(f) = c.next() {
                out.extend(f.to_uppercase());
                out.push_str(c.as_str());
            }
        }
    }
    out
}

/// The first sentence-ish line of a doc.
fn summary(doc: &str) -> String {
    doc.lines().next().unwrap_or("").trim().to_string()
}

/// Replaces the text between the region's BEGIN and END lines (both kept).
pub fn splice(current: &str, region: &str, body: &str) -> Result<String, String> {
    let begin = format!("BEGIN GENERATED by tuma-gen (make gen): {region}");
    let end = format!("END GENERATED: {region}");
    let b = current
        .find(&begin)
        .ok_or_else(|| format!("no `{begin}` line"))?;
    let after_begin = current[b..]
        .find('\n')
        .map(|i| b + i + 1)
        .unwrap_or(current.len());
    let e = current[after_begin..]
        .find(&end)
        .map(|i| after_begin + i)
        .ok_or_else(|| format!("no `{end}` line"))?;
    let line_start = current[..e].rfind('\n').map(|i| i + 1).unwrap_or(0);
    Ok(format!(
        "{}{}{}",
        &current[..after_begin],
        body,
        &current[line_start..]
    ))
}

// ----------------------------------------------------------------------------- C ABI

/// The fuzz harness's declarations of the named C functions (`named!` lists in
/// fuzz/fuzz_targets/common/c_abi.rs), one list per kind, names wrapped at 100 columns.
fn fuzz_named_lists(table: &Table) -> String {
    fn list(s: &mut String, name: &str, ty: &str, args: &str, functions: &[String]) {
        let _ = writeln!(s, "named!({name}, {ty}, {args}, [");
        let mut line = String::from("   ");
        for f in functions {
            if line.len() + f.len() + 2 > 96 {
                let _ = writeln!(s, "{}", line.trim_end());
                line = String::from("   ");
            }
            let _ = write!(line, " {f},");
        }
        if line.trim() != "" {
            let _ = writeln!(s, "{}", line.trim_end());
        }
        s.push_str("]);\n");
    }
    let mut s = String::new();
    let ops: Vec<String> = table
        .operations
        .iter()
        .map(|o| format!("tuma_{}", o.name.replace('.', "_")))
        .collect();
    list(
        &mut s,
        "NAMED_OPERATIONS",
        "OpFn",
        "(client: *const tuma_client, request_json: *const c_char, result_json_out: *mut *mut c_char)",
        &ops,
    );
    let callbacks: Vec<String> = table
        .callbacks
        .iter()
        .map(|c| format!("tuma_parse_{}", c.kind.replace('.', "_")))
        .collect();
    list(
        &mut s,
        "NAMED_CALLBACKS",
        "CallbackFn",
        "(body: *const u8, body_len: usize, result_json_out: *mut *mut c_char)",
        &callbacks,
    );
    let utilities: Vec<String> = table
        .utilities
        .iter()
        .map(|u| format!("tuma_{}", u.name.replace('.', "_")))
        .collect();
    list(
        &mut s,
        "NAMED_UTILITIES",
        "UtilityFn",
        "(request_json: *const c_char, result_json_out: *mut *mut c_char)",
        &utilities,
    );
    s
}

fn c_list(table: &Table) -> String {
    let mut s = String::from(
        "// Generated by tuma-gen from the core's operation table (make gen): do not edit.\n\
         // One named C function per operation, callback kind and utility.\n\n",
    );
    s.push_str("operations! {\n");
    for op in &table.operations {
        let rest: Vec<&str> = op
            .doc
            .lines()
            .skip(1)
            .skip_while(|l| l.trim().is_empty())
            .collect();
        if !rest.is_empty() {
            s.push_str("    ///\n");
            for line in rest {
                let _ = writeln!(s, "    /// {}", line.trim_end()).map(|_| ());
                if line.trim().is_empty() {
                    s.truncate(s.trim_end_matches(' ').len());
                }
            }
        }
        let _ = writeln!(
            s,
            "    tuma_{} => \"{}\",",
            op.name.replace('.', "_"),
            op.name
        );
    }
    s.push_str("}\n\ncallbacks! {\n");
    for cb in &table.callbacks {
        let _ = writeln!(
            s,
            "    tuma_parse_{} => \"{}\",",
            cb.kind.replace('.', "_"),
            cb.kind
        );
    }
    s.push_str("}\n\nutilities! {\n");
    for u in &table.utilities {
        let _ = writeln!(
            s,
            "    tuma_{} => \"{}\",",
            u.name.replace('.', "_"),
            u.name
        );
    }
    s.push_str("}\n");
    s.replace("/// \n", "///\n")
}

// ----------------------------------------------------------------------------- Python

fn py_type(f: &Field) -> String {
    match f.kind.as_str() {
        "amount" | "integer" => "int".into(),
        "boolean" => "bool".into(),
        "list" => format!(
            "List[{}]",
            f.item.clone().unwrap_or_else(|| "JsonObject".into())
        ),
        _ => "str".into(),
    }
}

fn py_signature(op: &Op) -> (String, String) {
    let mut params = Vec::new();
    let mut args = Vec::new();
    for f in op.fields.iter().filter(|f| f.required) {
        params.push(format!("{}: {}", f.name, py_type(f)));
    }
    for f in op.fields.iter().filter(|f| !f.required) {
        params.push(format!("{}: Optional[{}] = None", f.name, py_type(f)));
    }
    for f in &op.fields {
        args.push(format!("{0}={0}", f.name));
    }
    let params = if params.is_empty() {
        String::new()
    } else {
        format!(", *, {}", params.join(", "))
    };
    let args = if args.is_empty() {
        String::new()
    } else {
        format!(", {}", args.join(", "))
    };
    (params, args)
}

fn py_docstring(doc: &str, indent: &str) -> String {
    let doc = doc.trim().replace('\\', "\\\\").replace("\"\"\"", "'''");
    let mut lines = doc.lines();
    let mut s = format!("{indent}\"\"\"{}", lines.next().unwrap_or(""));
    for l in lines {
        if l.trim().is_empty() {
            s.push('\n');
        } else {
            let _ = write!(s, "\n{indent}{l}");
        }
    }
    s.push_str("\"\"\"\n");
    s
}

fn python(table: &Table, known_types: &[String]) -> String {
    let result = |op: &Op| {
        let r = op.result.clone().unwrap_or_default();
        let r = if known_types.contains(&r) {
            r
        } else {
            "JsonObject".into()
        };
        if op.nullable {
            format!("Optional[{r}]")
        } else {
            r
        }
    };
    let mut s = String::from(
        "# Generated by tuma-gen from the core's operation table (make gen): do not edit.\n\n",
    );
    for group in table.groups() {
        let (class, _, _, doc) = group_info(group);
        let ops: Vec<&Op> = table
            .operations
            .iter()
            .filter(|o| o.group == group)
            .collect();
        for asynchronous in [false, true] {
            let name = if asynchronous {
                format!("Async{class}")
            } else {
                class.clone()
            };
            let owner = if asynchronous {
                "AsyncClient"
            } else {
                "Client"
            };
            let where_ = if asynchronous {
                format!(" (``client.{group}`` on :class:`AsyncClient`)")
            } else {
                format!(" (``client.{group}``)")
            };
            let _ = write!(
                s,
                "\nclass {name}:\n    \"\"\"{doc}{where_}.\"\"\"\n\n    __slots__ = (\"_client\",)\n\n    def __init__(self, client: {owner}) -> None:\n        self._client = client\n"
            );
            for op in &ops {
                let (params, args) = py_signature(op);
                let r = result(op);
                s.push('\n');
                if asynchronous {
                    let _ = write!(
                        s,
                        "    async def {m}(self{params}) -> {r}:\n        \"\"\"See :meth:`{class}.{m}`.\"\"\"\n        return cast({r}, await self._client.call(\"{n}\"{args}))\n",
                        m = op.method,
                        n = op.name
                    );
                } else {
                    let _ = write!(
                        s,
                        "    def {m}(self{params}) -> {r}:\n{doc}        return cast({r}, self._client.call(\"{n}\"{args}))\n",
                        m = op.method,
                        n = op.name,
                        doc = py_docstring(&op.doc, "        ")
                    );
                }
            }
            s.push('\n');
        }
    }
    s.push_str("\n_GROUPS = {\n");
    for group in table.groups() {
        let (class, ..) = group_info(group);
        let _ = writeln!(s, "    \"{group}\": ({class}, Async{class}),");
    }
    s.push_str("}\n");
    s
}

fn python_callbacks(table: &Table, known_types: &[String]) -> String {
    let mut s = String::from(
        "\"\"\"Parsers for the callbacks (webhooks) providers POST to your server.\n\nEach takes the raw request body (``bytes``, or ``str``) and returns a typed dict, or raises\n:class:`tuma.InvalidCallbackError` when the body is not what the provider sends. Parsing\nonly reads the body: to act once per payment, claim it with ``client.callbacks.receive``,\nand confirm money-moving results by querying the status where the provider offers it.\n\nGenerated by tuma-gen from the core's callback kinds (make gen): do not edit.\n\"\"\"\n\nfrom __future__ import annotations\n\nimport json\nfrom typing import Any, Union, cast\n\nfrom . import _tuma\n",
    );
    let result = |cb: &Callback| {
        if known_types.contains(&cb.result) {
            cb.result.clone()
        } else {
            "JsonObject".into()
        }
    };
    let mut types: Vec<String> = table.callbacks.iter().map(result).collect();
    types.sort();
    types.dedup();
    s.push_str("from .types import (\n");
    for t in &types {
        let _ = writeln!(s, "    {t},");
    }
    s.push_str(")\n\n__all__ = [\n    \"Body\",\n    \"parse\",\n");
    for cb in &table.callbacks {
        let _ = writeln!(s, "    \"parse_{}_{}\",", cb.group, cb.method);
    }
    s.push_str("]\n\nBody = Union[bytes, bytearray, memoryview, str]\n\"\"\"A callback body: the raw bytes as received, or the text already decoded.\"\"\"\n\n\ndef _bytes(body: Body) -> bytes:\n    if isinstance(body, str):\n        return body.encode(\"utf-8\")\n    return bytes(body)\n\n\ndef parse(kind: str, body: Body) -> Any:\n    \"\"\"Parses a callback body of ``kind`` (one of ``tuma.callback_kinds()``).\"\"\"\n    return json.loads(_tuma.parse_callback(kind, _bytes(body)))\n");
    for cb in &table.callbacks {
        let r = result(cb);
        let _ = write!(
            s,
            "\n\ndef parse_{g}_{m}(body: Body) -> {r}:\n    \"\"\"Parses a ``{k}`` callback body (see ``tuma.types.{r}``).\"\"\"\n    return cast({r}, parse(\"{k}\", body))\n",
            g = cb.group,
            m = cb.method,
            k = cb.kind
        );
    }
    s
}

/// The names the generated Python methods use, imported in `_client.py`.
fn python_imports(table: &Table, known_types: &[String]) -> String {
    let mut results: Vec<String> = table
        .operations
        .iter()
        .filter_map(|op| op.result.clone())
        .filter(|r| known_types.contains(r))
        .collect();
    results.push("JsonObject".into());
    results.sort();
    results.dedup();
    let mut items: Vec<String> = table
        .operations
        .iter()
        .flat_map(|op| op.fields.iter().filter_map(|f| f.item.clone()))
        .collect();
    items.sort();
    items.dedup();
    let mut s = String::new();
    if !items.is_empty() {
        s.push_str("from .requests import (\n");
        for i in &items {
            let _ = writeln!(s, "    {i},");
        }
        s.push_str(")\n");
    }
    s.push_str("from .types import (\n");
    for r in &results {
        let _ = writeln!(s, "    {r},");
    }
    s.push_str(")\n");
    s
}

fn python_requests(table: &Table) -> String {
    let mut s = String::from(
        "\"\"\"Request documents of every operation and utility, as TypedDicts (the keyword\narguments of the methods). Generated by tuma-gen from the core's operation table\n(make gen): do not edit.\"\"\"\n\nfrom __future__ import annotations\n\nfrom typing import List, TypedDict\n\n__all__ = [\n",
    );
    let mut seen: Vec<String> = Vec::new();
    let mut classes = String::new();
    let mut add = |name: &str, doc: &str, fields: &[Field], seen: &mut Vec<String>| {
        if seen.iter().any(|n| n == name) {
            return;
        }
        seen.push(name.to_string());
        let field = |f: &Field| {
            let mut s = format!("\n    {}: {}\n", f.name, py_type(f));
            if !f.doc.is_empty() {
                let _ = writeln!(s, "    \"\"\"{}\"\"\"", f.doc.replace("\"\"\"", "'''"));
            }
            s
        };
        // Python 3.9 has no NotRequired: required fields go in a base class.
        let required: Vec<&Field> = fields.iter().filter(|f| f.required).collect();
        let optional: Vec<&Field> = fields.iter().filter(|f| !f.required).collect();
        let base = if required.is_empty() {
            "TypedDict".to_string()
        } else {
            let _ = write!(classes, "\n\nclass _{name}Required(TypedDict):\n");
            for f in &required {
                classes.push_str(&field(f));
            }
            format!("_{name}Required")
        };
        let _ = write!(
            classes,
            "\n\nclass {name}({base}, total=False):\n    \"\"\"{doc}\"\"\"\n"
        );
        for f in &optional {
            classes.push_str(&field(f));
        }
    };
    for op in table.operations.iter().chain(&table.utilities) {
        for f in &op.fields {
            if let Some(item) = &f.item {
                add(item, "One item of a list field.", &f.item_fields, &mut seen);
            }
        }
        add(
            &op.request,
            &summary(&format!("The request of ``{}``.", op.name)),
            &op.fields,
            &mut seen,
        );
    }
    for name in &seen {
        let _ = writeln!(s, "    \"{name}\",");
    }
    s.push_str("]\n");
    s.push_str(&classes);
    s
}

// ----------------------------------------------------------------------------- TypeScript

fn ts_type(f: &Field) -> String {
    match f.kind.as_str() {
        "amount" | "integer" => "number".into(),
        "boolean" => "boolean".into(),
        "enum" => f
            .values
            .iter()
            .map(|v| format!("'{v}'"))
            .collect::<Vec<_>>()
            .join(" | "),
        "list" => format!("{}[]", f.item.clone().unwrap_or_else(|| "object".into())),
        _ => "string".into(),
    }
}

fn ts_doc(doc: &str, indent: &str) -> String {
    let doc = doc.trim();
    if doc.is_empty() {
        return String::new();
    }
    if !doc.contains('\n') {
        return format!("{indent}/** {} */\n", doc.replace("*/", "* /"));
    }
    let mut s = format!("{indent}/**\n");
    for l in doc.lines() {
        if l.trim().is_empty() {
            let _ = writeln!(s, "{indent} *");
        } else {
            let _ = writeln!(s, "{indent} * {}", l.replace("*/", "* /"));
        }
    }
    let _ = writeln!(s, "{indent} */");
    s
}

fn typescript(table: &Table, known_types: &[String]) -> String {
    let mut s = String::from(
        "// Generated by tuma-gen from the core's operation table (make gen): do not edit.\n\n",
    );
    let mut seen: Vec<String> = Vec::new();
    let mut interface = |name: &str, fields: &[Field], s: &mut String| {
        if seen.iter().any(|n| n == name) {
            return;
        }
        seen.push(name.to_string());
        if fields.is_empty() {
            let _ = writeln!(s, "export type {name} = Record<string, never>\n");
            return;
        }
        let _ = writeln!(s, "export interface {name} {{");
        for f in fields {
            s.push_str(&ts_doc(&f.doc, "  "));
            let _ = writeln!(
                s,
                "  {}{}: {}",
                camel(&f.name, false),
                if f.required { "" } else { "?" },
                ts_type(f)
            );
        }
        s.push_str("}\n\n");
    };
    for op in &table.operations {
        for f in &op.fields {
            if let Some(item) = &f.item {
                interface(item, &f.item_fields, &mut s);
            }
        }
        interface(&op.request, &op.fields, &mut s);
    }
    for group in table.groups() {
        let (.., iface, doc) = group_info(group);
        let _ = writeln!(s, "/** {doc}. */\nexport interface {iface} {{");
        for op in table.operations.iter().filter(|o| o.group == group) {
            let r = op.result.clone().unwrap_or_default();
            let r = if known_types.contains(&r) {
                r
            } else {
                "Record<string, unknown>".into()
            };
            let r = if op.nullable {
                format!("{r} | null")
            } else {
                r
            };
            let optional = if op.fields.iter().any(|f| f.required) {
                ""
            } else {
                "?"
            };
            let mut doc = op.doc.clone();
            if op.money {
                doc.push_str(
                    "\n\nMoves money: never resent once it may have reached the provider.",
                );
            }
            s.push_str(&ts_doc(&doc, "  "));
            let _ = writeln!(
                s,
                "  {}(request{optional}: {}, options?: CallOptions): Promise<{r}>",
                camel(&op.method, false),
                op.request
            );
        }
        s.push_str("}\n\n");
    }
    s.push_str("/** The network operations of a client, one property per group. */\nexport interface ClientGroups {\n");
    for group in table.groups() {
        let (.., iface, _) = group_info(group);
        let _ = writeln!(s, "  readonly {group}: {iface}");
    }
    s.push_str("}\n\n/** One parser per callback kind: `callbacks.daraja.stkCallback(body)`. */\nexport declare const callbacks: {\n");
    let mut groups: Vec<&str> = Vec::new();
    for cb in &table.callbacks {
        if !groups.contains(&cb.group.as_str()) {
            groups.push(&cb.group);
        }
    }
    for g in &groups {
        let _ = writeln!(s, "  readonly {g}: {{");
        for cb in table.callbacks.iter().filter(|c| c.group == *g) {
            let r = if known_types.contains(&cb.result) {
                cb.result.clone()
            } else {
                "Record<string, unknown>".into()
            };
            let _ = writeln!(
                s,
                "    {}(body: CallbackBody): {r}",
                camel(&cb.method, false)
            );
        }
        s.push_str("  }\n");
    }
    s.push_str("}\n");
    s
}

// ----------------------------------------------------------------------------- PHP

/// PHP methods take their request array as optional: a missing field is an
/// `InvalidInputException` naming it, the same whether the array or the field is left out.
fn php_required(_op: &Op) -> bool {
    false
}

fn php_fields(op: &Op) -> String {
    op.fields
        .iter()
        .map(|f| format!("`{}`{}", f.name, if f.required { "" } else { "?" }))
        .collect::<Vec<_>>()
        .join(", ")
}

fn php_doc(op: &Op, indent: &str) -> String {
    let mut doc = op.doc.trim().to_string();
    let fields = php_fields(op);
    if !fields.is_empty() {
        let _ = write!(doc, "\n\nRequest: {fields}.");
    }
    let mut s = format!("{indent}/**\n");
    for l in doc.lines() {
        if l.trim().is_empty() {
            let _ = writeln!(s, "{indent} *");
        } else {
            let _ = writeln!(s, "{indent} * {}", l.replace("*/", "* /"));
        }
    }
    let _ = writeln!(s, "{indent} */");
    s
}

fn secret_param(op: &Op) -> &'static str {
    let secret = op
        .fields
        .iter()
        .any(|f| matches!(f.name.as_str(), "passkey" | "password"));
    if secret {
        "#[\\SensitiveParameter] "
    } else {
        ""
    }
}

/// The FFI wrapper's methods of one group.
fn php_ffi_group(table: &Table, group: &str) -> String {
    let mut s = String::new();
    for op in table.operations.iter().filter(|o| o.group == group) {
        let (param, ret) = (
            if php_required(op) {
                "array $request"
            } else {
                "array $request = []"
            },
            if op.nullable { "?array" } else { "array" },
        );
        s.push('\n');
        s.push_str(&php_doc(op, "    "));
        let _ = write!(
            s,
            "    public function {}({}{param}): {ret}\n    {{\n        return $this->client->call('{}', $request);\n    }}\n",
            camel(&op.method, false),
            secret_param(op),
            op.name
        );
    }
    s
}

fn php_ffi_callbacks(table: &Table) -> String {
    let mut s = String::new();
    for cb in &table.callbacks {
        let _ = write!(
            s,
            "\n    /** Parses a `{k}` callback body. */\n    public static function {m}(string $body): array\n    {{\n        return self::parse('{k}', $body);\n    }}\n",
            k = cb.kind,
            m = camel(&format!("{}_{}", cb.group, cb.method), true)
        );
    }
    s
}

fn php_ffi_utilities(table: &Table) -> String {
    let mut s = String::new();
    for u in &table.utilities {
        let param = if php_required(u) {
            "array $request"
        } else {
            "array $request = []"
        };
        s.push('\n');
        s.push_str(&php_doc(u, "    "));
        let _ = write!(
            s,
            "    public static function {}({}{param}): array\n    {{\n        return self::run('{}', $request);\n    }}\n",
            camel(&format!("{}_{}", u.group, u.method), true),
            secret_param(u),
            u.name
        );
    }
    s
}

/// The extension's stub: the provider classes' methods.
fn php_stub_group(table: &Table, group: &str) -> String {
    let mut s = String::new();
    for op in table.operations.iter().filter(|o| o.group == group) {
        let (param, ret) = (
            if php_required(op) {
                "array $request"
            } else {
                "array $request = []"
            },
            if op.nullable { "?array" } else { "array" },
        );
        let _ = write!(
            s,
            "\n        /** {} */\n        public function {}({}{param}): {ret} {{}}\n",
            summary(&op.doc).replace("*/", "* /"),
            camel(&op.method, false),
            secret_param(op),
        );
    }
    s
}

fn php_stub_callbacks(table: &Table) -> String {
    let mut s = String::new();
    for cb in &table.callbacks {
        let _ = write!(
            s,
            "\n        /** Parses a `{}` callback body. */\n        public static function {}(string $body): array {{}}\n",
            cb.kind,
            camel(&format!("{}_{}", cb.group, cb.method), true)
        );
    }
    s
}

fn php_stub_utilities(table: &Table) -> String {
    let mut s = String::new();
    for u in &table.utilities {
        let param = if php_required(u) {
            "array $request"
        } else {
            "array $request = []"
        };
        let _ = write!(
            s,
            "\n        /** {} */\n        public static function {}({}{param}): array {{}}\n",
            summary(&u.doc).replace("*/", "* /"),
            camel(&format!("{}_{}", u.group, u.method), true),
            secret_param(u),
        );
    }
    s
}

fn php_c_operations(table: &Table) -> String {
    let mut s = String::new();
    let mut last = "";
    for op in &table.operations {
        if !last.is_empty() && last != op.group {
            s.push('\n');
        }
        last = &op.group;
        let (_, class, ..) = group_info(&op.group);
        let _ = writeln!(
            s,
            "TUMA_OPERATION(Tuma_{class}, {}, \"{}\", {})",
            camel(&op.method, false),
            op.name,
            u8::from(php_required(op))
        );
    }
    s
}

fn php_c_callbacks(table: &Table) -> String {
    table
        .callbacks
        .iter()
        .map(|cb| {
            format!(
                "TUMA_CALLBACK({}, \"{}\")\n",
                camel(&format!("{}_{}", cb.group, cb.method), true),
                cb.kind
            )
        })
        .collect()
}

fn php_c_utilities(table: &Table) -> String {
    table
        .utilities
        .iter()
        .map(|u| {
            format!(
                "TUMA_UTILITY({}, \"{}\", {})\n",
                camel(&format!("{}_{}", u.group, u.method), true),
                u.name,
                u8::from(php_required(u))
            )
        })
        .collect()
}

// ----------------------------------------------------------------------------- docs

fn docs(table: &Table) -> String {
    let mut s = String::from(
        "# Operations\n\nGenerated by tuma-gen from the core's operation table (`make gen`): do not edit.\nEvery binding reaches each of them: Rust (`client.<group>().<method>(&request)`), C\n(`tuma_<group>_<method>` or `tuma_client_call`), Python (`client.<group>.<method>(**request)`),\nNode (`client.<group>.<camelMethod>(request)`), PHP (`$client-><group>()-><camelMethod>($request)`;\nthe callbacks group is `Inbox`). Fields marked ? may be left out. Money-moving operations\nare never resent once they may have reached the provider.\n\n## Network operations\n\n| operation | request fields | result | moves money |\n|---|---|---|---|\n",
    );
    let field_list = |op: &Op| {
        op.fields
            .iter()
            .map(|f| {
                let ty = if f.kind == "enum" {
                    f.values.join("/")
                } else {
                    f.kind.clone()
                };
                format!("`{}`{} ({ty})", f.name, if f.required { "" } else { "?" })
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    for op in &table.operations {
        let _ = writeln!(
            s,
            "| `{}` | {} | `{}`{} | {} |",
            op.name,
            field_list(op),
            op.result.clone().unwrap_or_default(),
            if op.nullable { " or null" } else { "" },
            if op.money { "yes" } else { "" }
        );
    }
    s.push_str("\n## Local utilities (no network)\n\n| utility | request fields | what it does |\n|---|---|---|\n");
    for u in &table.utilities {
        let _ = writeln!(
            s,
            "| `{}` | {} | {} |",
            u.name,
            field_list(u),
            summary(&u.doc).replace('|', "\\|")
        );
    }
    s.push_str("\n## Callback kinds\n\n| kind | parsed as |\n|---|---|\n");
    for cb in &table.callbacks {
        let _ = writeln!(s, "| `{}` | `{}` |", cb.kind, cb.result);
    }
    s
}

// ----------------------------------------------------------------------------- all

/// Reads a file of the workspace (for regions and known type names).
pub type Reader<'a> = &'a dyn Fn(&str) -> Result<String, String>;

/// Type names declared in a hand-written file (`class X(`, `X = `, `interface X`, `type X`).
fn declared_types(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    for line in text.lines() {
        let line = line.trim_start();
        let rest = line
            .strip_prefix("class ")
            .or_else(|| line.strip_prefix("export interface "))
            .or_else(|| line.strip_prefix("export type "))
            .or_else(|| line.strip_prefix("export declare class "));
        let name: String = match rest {
            Some(r) => r
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect(),
            None => line
                .split_once(" = ")
                .map(|(n, _)| n.trim().to_string())
                .filter(|n| n.chars().all(|c| c.is_alphanumeric() || c == '_'))
                .unwrap_or_default(),
        };
        if !name.is_empty() {
            names.push(name);
        }
    }
    names
}

/// Every file the generator writes, given the table and a reader of the current files.
pub fn generate(table: &Table, read: Reader<'_>) -> Result<Vec<Output>, String> {
    let py_types = declared_types(&read("crates/python/python/tuma/types.py")?);
    let ts_current = read("crates/node/tuma.d.ts")?;
    let ts_types = declared_types(&ts_current);
    let mut out = vec![
        Output {
            path: "crates/ffi/src/generated.rs",
            text: c_list(table),
        },
        Output {
            path: "crates/python/python/tuma/callbacks.py",
            text: python_callbacks(table, &py_types),
        },
        Output {
            path: "crates/python/python/tuma/requests.py",
            text: python_requests(table),
        },
        Output {
            path: "crates/python/python/tuma/_client.py",
            text: splice(
                &splice(
                    &read("crates/python/python/tuma/_client.py")?,
                    "imports",
                    &python_imports(table, &py_types),
                )?,
                "provider groups",
                &python(table, &py_types),
            )?,
        },
        Output {
            path: "crates/node/tuma.d.ts",
            text: splice(
                &ts_current,
                "requests and operations",
                &typescript(table, &ts_types),
            )?,
        },
        Output {
            path: "docs/operations.md",
            text: docs(table),
        },
        Output {
            path: "fuzz/fuzz_targets/common/c_abi.rs",
            text: splice(
                &read("fuzz/fuzz_targets/common/c_abi.rs")?,
                "named functions",
                &fuzz_named_lists(table),
            )?,
        },
    ];
    for group in table.groups() {
        let (_, class, ..) = group_info(group);
        let path: &'static str = match class.as_str() {
            "Statum" => "bindings/php/src/Tuma/Statum.php",
            "Daraja" => "bindings/php/src/Tuma/Daraja.php",
            "UmsPay" => "bindings/php/src/Tuma/UmsPay.php",
            "Inbox" => "bindings/php/src/Tuma/Inbox.php",
            "Journal" => "bindings/php/src/Tuma/Journal.php",
            other => return Err(format!("no PHP class file for the new group `{other}`: add one with a `methods` region, and its accessor on Client")),
        };
        out.push(Output {
            path,
            text: splice(&read(path)?, "methods", &php_ffi_group(table, group))?,
        });
    }
    let path = "bindings/php/src/Tuma/Callbacks.php";
    out.push(Output {
        path,
        text: splice(&read(path)?, "callback kinds", &php_ffi_callbacks(table))?,
    });
    let path = "bindings/php/src/Tuma/Utils.php";
    out.push(Output {
        path,
        text: splice(&read(path)?, "utilities", &php_ffi_utilities(table))?,
    });
    let mut stub = read("bindings/php-ext/tuma.stub.php")?;
    for group in table.groups() {
        let (_, class, ..) = group_info(group);
        stub = splice(
            &stub,
            &format!("{class} methods"),
            &php_stub_group(table, group),
        )?;
    }
    stub = splice(&stub, "callback kinds", &php_stub_callbacks(table))?;
    stub = splice(&stub, "utilities", &php_stub_utilities(table))?;
    out.push(Output {
        path: "bindings/php-ext/tuma.stub.php",
        text: stub,
    });
    let mut c = read("bindings/php-ext/tuma.c")?;
    c = splice(&c, "operations", &php_c_operations(table))?;
    c = splice(&c, "callback kinds", &php_c_callbacks(table))?;
    c = splice(&c, "utilities", &php_c_utilities(table))?;
    out.push(Output {
        path: "bindings/php-ext/tuma.c",
        text: c,
    });
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn root() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
    }

    fn read(path: &str) -> Result<String, String> {
        std::fs::read_to_string(root().join(path)).map_err(|e| format!("{path}: {e}"))
    }

    /// The committed files are what the generator writes (`make gen` refreshes them).
    #[test]
    fn committed_files_are_current() {
        let outputs = generate(&Table::current(), &read).unwrap();
        let stale: Vec<&str> = outputs
            .iter()
            .filter(|o| read(o.path).ok().as_deref() != Some(o.text.as_str()))
            .map(|o| o.path)
            .collect();
        assert!(
            stale.is_empty(),
            "stale generated files (run `make gen`): {stale:?}"
        );
    }

    /// One new declaration in the table reaches every binding with nothing else edited.
    #[test]
    fn a_new_operation_reaches_every_binding() {
        let mut d = tuma::ops::describe();
        let ops = d["operations"].as_array_mut().unwrap();
        ops.push(serde_json::json!({
            "name": "daraja.throwaway_payout", "group": "daraja", "method": "throwaway_payout",
            "doc": "Pays out for a test.", "money": true, "request": "ThrowawayRequest",
            "fields": [
                {"name": "phone", "type": "string", "required": true, "doc": "Who."},
                {"name": "amount", "type": "amount", "required": true, "doc": "How much."},
                {"name": "note", "type": "string", "required": false, "doc": ""}
            ],
            "result": "B2cResponse", "nullable": false
        }));
        let outputs = generate(&Table::from_json(&d), &read).unwrap();
        let text = |path: &str| {
            outputs
                .iter()
                .find(|o| o.path == path)
                .map(|o| o.text.clone())
                .unwrap()
        };
        let expect = [
            ("crates/ffi/src/generated.rs", "tuma_daraja_throwaway_payout => \"daraja.throwaway_payout\""),
            ("crates/python/python/tuma/_client.py", "def throwaway_payout(self, *, phone: str, amount: int, note: Optional[str] = None) -> B2cResponse:"),
            ("crates/python/python/tuma/_client.py", "async def throwaway_payout("),
            ("crates/python/python/tuma/requests.py", "class ThrowawayRequest(_ThrowawayRequestRequired, total=False):"),
            ("crates/node/tuma.d.ts", "throwawayPayout(request: ThrowawayRequest, options?: CallOptions): Promise<B2cResponse>"),
            ("crates/node/tuma.d.ts", "export interface ThrowawayRequest {"),
            ("bindings/php/src/Tuma/Daraja.php", "public function throwawayPayout(array $request = []): array"),
            ("bindings/php-ext/tuma.stub.php", "public function throwawayPayout(array $request = []): array {}"),
            ("bindings/php-ext/tuma.c", "TUMA_OPERATION(Tuma_Daraja, throwawayPayout, \"daraja.throwaway_payout\", 0)"),
            ("docs/operations.md", "| `daraja.throwaway_payout` | `phone` (string), `amount` (amount), `note`? (string) | `B2cResponse` | yes |"),
        ];
        for (path, needle) in expect {
            assert!(text(path).contains(needle), "{path} lacks {needle}");
        }
    }

    #[test]
    fn names() {
        assert_eq!(camel("c2b_register_urls", false), "c2bRegisterUrls");
        assert_eq!(camel("daraja_c2b_accept", true), "darajaC2BAccept");
        assert_eq!(camel("daraja_c2b_accept", false), "darajaC2bAccept");
    }
}
