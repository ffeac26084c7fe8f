//! The domain catalog and the extraction prompt saved for each domain/category pair.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::call::{CatalogEntry, DomainCatalog};
use crate::call::{ExtractionPrompt, FieldSpec};

use super::codec::{from_json, to_json};
use super::outbox::{enqueue, pair_key, OutboxEntity, OutboxOp};
use super::{clock, Store, StoreError};

/// What the `prompts.prompt` column holds (the pair itself is in its own columns).
#[derive(Serialize, Deserialize)]
struct PromptBody {
    fields: Vec<FieldSpec>,
    instructions: String,
}

impl Store {
    /// Every known domain/category pair, sorted by domain then category.
    pub fn catalog(&self) -> Result<DomainCatalog, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT domain, category, description FROM domains ORDER BY domain, category")
            .map_err(|e| self.sql_error(e))?;
        let entries = stmt
            .query_map([], |r| {
                Ok(CatalogEntry {
                    domain: r.get(0)?,
                    category: r.get(1)?,
                    description: r.get(2)?,
                })
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.sql_error(e))?;
        Ok(DomainCatalog { entries })
    }

    /// Add a pair to the catalog; fails with `DomainExists` when it is already there.
    pub fn add_domain(&mut self, entry: &CatalogEntry) -> Result<(), StoreError> {
        check_pair(&entry.domain, &entry.category)?;
        let path = self.path.clone();
        let fail = |e| StoreError::from_sqlite(&path, e);
        let tx = self.conn.transaction().map_err(fail)?;
        if !insert_domain(&tx, &entry.domain, &entry.category, &entry.description).map_err(fail)? {
            return Err(StoreError::DomainExists {
                domain: entry.domain.clone(),
                category: entry.category.clone(),
            });
        }
        tx.commit().map_err(fail)
    }

    /// Change the description of a pair already in the catalog.
    pub fn update_domain(&mut self, entry: &CatalogEntry) -> Result<(), StoreError> {
        let path = self.path.clone();
        let fail = |e| StoreError::from_sqlite(&path, e);
        let tx = self.conn.transaction().map_err(fail)?;
        let changed = tx
            .execute(
                "UPDATE domains SET description = ?3, updated_at = ?4
                 WHERE domain = ?1 AND category = ?2",
                params![
                    entry.domain,
                    entry.category,
                    entry.description,
                    clock::now_rfc3339()
                ],
            )
            .map_err(fail)?;
        if changed == 0 {
            return Err(not_found(&entry.domain, &entry.category));
        }
        let payload = serde_json::to_value(entry).ok();
        let key = pair_key(&entry.domain, &entry.category);
        enqueue(
            &tx,
            OutboxEntity::Domain,
            &key,
            OutboxOp::Upsert,
            payload.as_ref(),
        )
        .map_err(fail)?;
        tx.commit().map_err(fail)
    }

    /// Remove a pair and its saved prompt from the catalog (calls keep their domain).
    pub fn delete_domain(&mut self, domain: &str, category: &str) -> Result<(), StoreError> {
        let path = self.path.clone();
        let fail = |e| StoreError::from_sqlite(&path, e);
        let tx = self.conn.transaction().map_err(fail)?;
        let key = pair_key(domain, category);
        let payload = serde_json::json!({ "domain": domain, "category": category });
        if delete_prompt_row(&tx, domain, category).map_err(fail)? {
            enqueue(
                &tx,
                OutboxEntity::Prompt,
                &key,
                OutboxOp::Delete,
                Some(&payload),
            )
            .map_err(fail)?;
        }
        let removed = tx
            .execute(
                "DELETE FROM domains WHERE domain = ?1 AND category = ?2",
                params![domain, category],
            )
            .map_err(fail)?;
        if removed == 0 {
            return Err(not_found(domain, category));
        }
        enqueue(
            &tx,
            OutboxEntity::Domain,
            &key,
            OutboxOp::Delete,
            Some(&payload),
        )
        .map_err(fail)?;
        tx.commit().map_err(fail)
    }

    /// The extraction prompt saved for a pair, if one was saved.
    pub fn prompt(
        &self,
        domain: &str,
        category: &str,
    ) -> Result<Option<ExtractionPrompt>, StoreError> {
        let body: Option<String> = self
            .conn
            .query_row(
                "SELECT prompt FROM prompts WHERE domain = ?1 AND category = ?2",
                params![domain, category],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.sql_error(e))?;
        body.map(|text| self.decode_prompt(domain.to_string(), category.to_string(), &text))
            .transpose()
    }

    /// Save (or replace) a pair's extraction prompt; a pair new to the catalog is added to it.
    pub fn save_prompt(&mut self, prompt: &ExtractionPrompt) -> Result<(), StoreError> {
        check_pair(&prompt.domain, &prompt.category)?;
        let body = to_json(
            "prompt",
            &PromptBody {
                fields: prompt.fields.clone(),
                instructions: prompt.instructions.clone(),
            },
        )?;
        let path = self.path.clone();
        let fail = |e| StoreError::from_sqlite(&path, e);
        let tx = self.conn.transaction().map_err(fail)?;
        insert_domain(&tx, &prompt.domain, &prompt.category, "").map_err(fail)?;
        let now = clock::now_rfc3339();
        tx.execute(
            "INSERT INTO prompts (domain, category, prompt, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?4)
             ON CONFLICT (domain, category) DO UPDATE
                 SET prompt = excluded.prompt, updated_at = excluded.updated_at",
            params![prompt.domain, prompt.category, body, now],
        )
        .map_err(fail)?;
        let payload = serde_json::to_value(prompt).ok();
        let key = pair_key(&prompt.domain, &prompt.category);
        enqueue(
            &tx,
            OutboxEntity::Prompt,
            &key,
            OutboxOp::Upsert,
            payload.as_ref(),
        )
        .map_err(fail)?;
        tx.commit().map_err(fail)
    }

    /// Every saved prompt, sorted by domain then category.
    pub fn list_prompts(&self) -> Result<Vec<ExtractionPrompt>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT domain, category, prompt FROM prompts ORDER BY domain, category")
            .map_err(|e| self.sql_error(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.sql_error(e))?;
        rows.into_iter()
            .map(|(domain, category, body)| self.decode_prompt(domain, category, &body))
            .collect()
    }

    /// Forget a pair's saved prompt (the next call of that pair generates a new one).
    pub fn delete_prompt(&mut self, domain: &str, category: &str) -> Result<(), StoreError> {
        let path = self.path.clone();
        let fail = |e| StoreError::from_sqlite(&path, e);
        let tx = self.conn.transaction().map_err(fail)?;
        if !delete_prompt_row(&tx, domain, category).map_err(fail)? {
            return Err(StoreError::PromptNotFound {
                domain: domain.to_string(),
                category: category.to_string(),
            });
        }
        let payload = serde_json::json!({ "domain": domain, "category": category });
        let key = pair_key(domain, category);
        enqueue(
            &tx,
            OutboxEntity::Prompt,
            &key,
            OutboxOp::Delete,
            Some(&payload),
        )
        .map_err(fail)?;
        tx.commit().map_err(fail)
    }

    fn decode_prompt(
        &self,
        domain: String,
        category: String,
        body: &str,
    ) -> Result<ExtractionPrompt, StoreError> {
        let body: PromptBody = from_json(&self.path, "extraction prompt", body)?;
        Ok(ExtractionPrompt {
            domain,
            category,
            fields: body.fields,
            instructions: body.instructions,
        })
    }
}

/// Insert a catalog pair unless present, queueing it for sync; returns whether it was new.
fn insert_domain(
    conn: &Connection,
    domain: &str,
    category: &str,
    description: &str,
) -> rusqlite::Result<bool> {
    let now = clock::now_rfc3339();
    let added = conn.execute(
        "INSERT INTO domains (domain, category, description, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?4) ON CONFLICT (domain, category) DO NOTHING",
        params![domain, category, description, now],
    )?;
    if added == 0 {
        return Ok(false);
    }
    let entry = CatalogEntry {
        domain: domain.to_string(),
        category: category.to_string(),
        description: description.to_string(),
    };
    let payload = serde_json::to_value(&entry).ok();
    enqueue(
        conn,
        OutboxEntity::Domain,
        &pair_key(domain, category),
        OutboxOp::Upsert,
        payload.as_ref(),
    )?;
    Ok(true)
}

/// Delete a pair's prompt row; returns whether there was one.
fn delete_prompt_row(conn: &Connection, domain: &str, category: &str) -> rusqlite::Result<bool> {
    let removed = conn.execute(
        "DELETE FROM prompts WHERE domain = ?1 AND category = ?2",
        params![domain, category],
    )?;
    Ok(removed > 0)
}

/// Domain and category names must say something.
fn check_pair(domain: &str, category: &str) -> Result<(), StoreError> {
    if domain.trim().is_empty() {
        return Err(StoreError::invalid("domain", "the domain name is empty"));
    }
    if category.trim().is_empty() {
        return Err(StoreError::invalid(
            "category",
            "the category name is empty",
        ));
    }
    Ok(())
}

fn not_found(domain: &str, category: &str) -> StoreError {
    StoreError::DomainNotFound {
        domain: domain.to_string(),
        category: category.to_string(),
    }
}
