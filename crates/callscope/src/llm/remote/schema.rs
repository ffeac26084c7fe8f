//! The JSON shape an answer must have, written once and rendered for each API: Gemini's
//! `responseSchema` subset (type, enum, items, properties, required, nullable, maxItems,
//! description) and OpenAI's strict `json_schema` (every property required, nullable as a
//! `null` type, no extra properties). Answers are checked against it here too, so a model
//! that ignores the schema gets told exactly what was wrong.

use serde_json::{json, Map, Value};

/// The kinds of value a schema can ask for.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Shape {
    Text,
    /// Text that must be one of these words.
    OneOf(Vec<String>),
    Number,
    Integer,
    Boolean,
    List { items: Box<Schema>, max_items: Option<u32> },
    /// An object whose properties are all expected (a nullable one may be left out).
    Object(Vec<(String, Schema)>),
}

/// One value's schema.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Schema {
    pub shape: Shape,
    pub nullable: bool,
    pub description: Option<String>,
}

impl Schema {
    pub fn text() -> Schema {
        Schema::of(Shape::Text)
    }
    pub fn number() -> Schema {
        Schema::of(Shape::Number)
    }
    pub fn integer() -> Schema {
        Schema::of(Shape::Integer)
    }
    pub fn boolean() -> Schema {
        Schema::of(Shape::Boolean)
    }
    pub fn one_of(words: &[&str]) -> Schema {
        Schema::of(Shape::OneOf(words.iter().map(|w| (*w).to_string()).collect()))
    }
    pub fn list(items: Schema, max_items: Option<u32>) -> Schema {
        Schema::of(Shape::List { items: Box::new(items), max_items })
    }
    pub fn object(properties: Vec<(&str, Schema)>) -> Schema {
        Schema::of(Shape::Object(properties.into_iter().map(|(k, v)| (k.to_string(), v)).collect()))
    }
    fn of(shape: Shape) -> Schema {
        Schema { shape, nullable: false, description: None }
    }

    /// The same schema, also accepting `null`.
    pub fn nullable(self) -> Schema {
        Schema { nullable: true, ..self }
    }

    /// The same schema with a description the model reads.
    pub fn described(self, text: &str) -> Schema {
        Schema { description: Some(text.to_string()), ..self }
    }

    /// Gemini's `responseSchema`.
    pub fn to_gemini(&self) -> Value {
        let mut out = Map::new();
        let kind = match &self.shape {
            Shape::Text | Shape::OneOf(_) => "STRING",
            Shape::Number => "NUMBER",
            Shape::Integer => "INTEGER",
            Shape::Boolean => "BOOLEAN",
            Shape::List { .. } => "ARRAY",
            Shape::Object(_) => "OBJECT",
        };
        out.insert("type".into(), json!(kind));
        if self.nullable {
            out.insert("nullable".into(), json!(true));
        }
        if let Some(d) = &self.description {
            out.insert("description".into(), json!(d));
        }
        match &self.shape {
            Shape::OneOf(words) => {
                out.insert("enum".into(), json!(words));
            }
            Shape::List { items, max_items } => {
                out.insert("items".into(), items.to_gemini());
                if let Some(n) = max_items {
                    out.insert("maxItems".into(), json!(n));
                }
            }
            Shape::Object(properties) => {
                let props: Map<String, Value> = properties.iter().map(|(k, v)| (k.clone(), v.to_gemini())).collect();
                out.insert("properties".into(), Value::Object(props));
                let required: Vec<&str> = properties.iter().filter(|(_, v)| !v.nullable).map(|(k, _)| k.as_str()).collect();
                out.insert("required".into(), json!(required));
            }
            _ => {}
        }
        Value::Object(out)
    }

    /// OpenAI's strict `json_schema` schema.
    pub fn to_openai(&self) -> Value {
        let mut out = Map::new();
        let kind = match &self.shape {
            Shape::Text | Shape::OneOf(_) => "string",
            Shape::Number => "number",
            Shape::Integer => "integer",
            Shape::Boolean => "boolean",
            Shape::List { .. } => "array",
            Shape::Object(_) => "object",
        };
        out.insert("type".into(), if self.nullable { json!([kind, "null"]) } else { json!(kind) });
        if let Some(d) = &self.description {
            out.insert("description".into(), json!(d));
        }
        match &self.shape {
            Shape::OneOf(words) => {
                let mut values: Vec<Value> = words.iter().map(|w| json!(w)).collect();
                if self.nullable {
                    values.push(Value::Null);
                }
                out.insert("enum".into(), Value::Array(values));
            }
            Shape::List { items, .. } => {
                out.insert("items".into(), items.to_openai());
            }
            Shape::Object(properties) => {
                let props: Map<String, Value> = properties.iter().map(|(k, v)| (k.clone(), v.to_openai())).collect();
                out.insert("properties".into(), Value::Object(props));
                out.insert("required".into(), json!(properties.iter().map(|(k, _)| k).collect::<Vec<_>>()));
                out.insert("additionalProperties".into(), json!(false));
            }
            _ => {}
        }
        Value::Object(out)
    }

    /// What in `value` does not follow this schema (at most a few problems, each with its
    /// place), or nothing. Extra properties are ignored; a missing nullable one counts as null.
    pub fn problems(&self, value: &Value) -> Vec<String> {
        let mut found = Vec::new();
        self.check(value, "", &mut found);
        found.truncate(5);
        found
    }

    /// Check `value`, found at `path` (`general.sentiment`, `turns[2].score`; empty: the root).
    fn check(&self, value: &Value, path: &str, found: &mut Vec<String>) {
        let at = if path.is_empty() { "the answer".to_string() } else { format!("`{path}`") };
        if value.is_null() {
            if !self.nullable {
                found.push(format!("{at} is null but must have a value"));
            }
            return;
        }
        let wrong = |expected: &str| format!("{at} should be {expected}, not {}", kind_of(value));
        match &self.shape {
            Shape::Text if !value.is_string() => found.push(wrong("text")),
            Shape::OneOf(words) => match value.as_str() {
                Some(s) if words.iter().any(|w| w == s) => {}
                _ => found.push(format!("{at} is {value}, not one of {}", words.join(", "))),
            },
            Shape::Number if !value.is_number() => found.push(wrong("a number")),
            Shape::Integer if !(value.is_i64() || value.is_u64()) => found.push(wrong("a whole number")),
            Shape::Boolean if !value.is_boolean() => found.push(wrong("true or false")),
            Shape::List { items, .. } => match value.as_array() {
                Some(list) => list.iter().enumerate().for_each(|(i, v)| items.check(v, &format!("{path}[{i}]"), found)),
                None => found.push(wrong("a list")),
            },
            Shape::Object(properties) => match value.as_object() {
                Some(object) => {
                    for (name, schema) in properties {
                        let inner = if path.is_empty() { name.clone() } else { format!("{path}.{name}") };
                        match object.get(name) {
                            Some(v) => schema.check(v, &inner, found),
                            None if schema.nullable => {}
                            None => found.push(format!("`{inner}` is missing")),
                        }
                    }
                }
                None => found.push(wrong("a JSON object")),
            },
            _ => {}
        }
    }
}

/// A wrong value as a message shows it: numbers and short texts as themselves.
fn kind_of(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if s.chars().count() <= 40 => format!("{s:?}"),
        Value::String(_) => "a long text".into(),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Schema {
        Schema::object(vec![
            ("domain", Schema::text()),
            ("confidence", Schema::number()),
            ("agent", Schema::text().nullable()),
            ("mood", Schema::one_of(&["positive", "negative"])),
            ("turns", Schema::list(Schema::object(vec![("turn", Schema::integer())]), Some(3))),
        ])
    }

    #[test]
    fn gemini_gets_its_subset_with_nullable_fields_left_out_of_required() {
        let g = sample().to_gemini();
        assert_eq!(g["type"], "OBJECT");
        assert_eq!(g["required"], json!(["domain", "confidence", "mood", "turns"]));
        assert_eq!(g["properties"]["agent"], json!({"type": "STRING", "nullable": true}));
        assert_eq!(g["properties"]["turns"]["maxItems"], 3);
    }

    #[test]
    fn openai_gets_a_strict_schema_with_every_property_required() {
        let o = sample().to_openai();
        assert_eq!(o["additionalProperties"], false);
        assert_eq!(o["required"].as_array().map(Vec::len), Some(5));
        assert_eq!(o["properties"]["agent"]["type"], json!(["string", "null"]));
        assert_eq!(o["properties"]["turns"]["items"]["additionalProperties"], false);
    }

    #[test]
    fn problems_name_the_place_and_what_was_expected() {
        let answer = json!({"domain": 5, "mood": "happy", "turns": [{"turn": 1.5}]});
        let problems = sample().problems(&answer);
        assert!(problems.contains(&"`domain` should be text, not 5".to_string()), "{problems:?}");
        assert!(problems.contains(&"`confidence` is missing".to_string()), "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("`mood` is \"happy\", not one of positive, negative")), "{problems:?}");
        assert!(problems.contains(&"`turns[0].turn` should be a whole number, not 1.5".to_string()), "{problems:?}");
        assert!(sample().problems(&json!({"domain": "x", "confidence": 1, "mood": "positive", "turns": []})).is_empty());
    }
}
