//! The domain catalog: which domain/category pairs Callscope knows.

use serde::{Deserialize, Serialize};

/// One known domain/category pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CatalogEntry {
    pub domain: String,
    pub category: String,
    pub description: String,
}

/// The pairs detection chooses from; grows when a new pair is seen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainCatalog {
    pub entries: Vec<CatalogEntry>,
}

impl DomainCatalog {
    /// The catalog the original system shipped with.
    pub fn seed() -> Self {
        let pairs = [
            ("healthcare", "appointment_scheduling", "Booking, moving or cancelling an appointment"),
            ("healthcare", "billing_inquiry", "Questions about a medical bill or charge"),
            ("healthcare", "prescription_refill", "Refilling or renewing a prescription"),
            ("insurance", "claim_inquiry", "Filing or checking the status of a claim"),
            ("insurance", "policy_inquiry", "Coverage, terms or changes of a policy"),
            ("insurance", "premium_payment", "Paying a premium or setting up payments"),
            ("internet", "technical_support", "Fixing a connection, device or service problem"),
        ];
        DomainCatalog {
            entries: pairs
                .iter()
                .map(|(d, c, desc)| CatalogEntry {
                    domain: (*d).to_string(),
                    category: (*c).to_string(),
                    description: (*desc).to_string(),
                })
                .collect(),
        }
    }

    /// Whether the pair is already known.
    pub fn contains(&self, domain: &str, category: &str) -> bool {
        self.entries.iter().any(|e| e.domain == domain && e.category == category)
    }
}
