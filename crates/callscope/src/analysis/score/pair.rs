//! Whether a detected domain/category means the labelled one. Labels for calls outside the
//! catalog are one person's words ("airline/baggage_claim" for what the catalog calls
//! "travel/baggage_issue"), so domains compare through groups of names for the same industry,
//! and categories by the distinctive words they share. A `general/…` answer is a fallback, not
//! a wrong confident pair, and is told apart.

/// Names of the same industry. General knowledge, not any call set's labels.
const DOMAIN_GROUPS: &[&[&str]] = &[
    &["travel", "airline", "airlines", "air_travel", "flights", "aviation"],
    &["hospitality", "hotel", "hotels", "lodging", "resort", "vacation_rental"],
    &["utilities", "utility", "energy", "electricity", "electric", "power", "gas", "water"],
    &["healthcare", "health", "medical", "pharmacy", "clinic", "hospital", "dental", "vision"],
    &["banking", "bank", "finance", "financial_services", "credit_card", "credit_union", "mortgage", "lending", "loans"],
    &["insurance", "auto_insurance", "home_insurance", "property_insurance", "life_insurance"],
    &["telecom", "mobile", "wireless", "cellular", "telecommunications"],
    &["internet", "broadband", "isp", "cable"],
    &["retail", "ecommerce", "e_commerce", "online_shopping", "store"],
    &["shipping", "logistics", "courier", "delivery", "postal", "parcel", "freight"],
    &["automotive", "auto", "car", "vehicle", "roadside_assistance", "roadside", "motor_club", "dealership"],
    &["government", "public_services", "benefits", "dmv", "tax"],
    &["education", "school", "university", "college", "higher_education"],
    &["real_estate", "property_management", "rental", "housing"],
    &["hr_payroll", "hr", "payroll", "human_resources", "employment", "employee_services"],
    &["software_licensing", "software", "saas", "it_support", "technology", "tech_support"],
];

/// Words of a category that only say what kind of call it is.
const GENERIC_CATEGORY_WORDS: &[&str] = &["inquiry", "request", "issue", "general", "support", "service", "problem", "question", "help", "other", "and", "or", "of", "status"];

/// Category words that mean the same thing.
const WORD_GROUPS: &[&[&str]] = &[
    &["booking", "reservation", "reserve", "book"],
    &["baggage", "bag", "luggage"],
    &["dispute", "disputed", "chargeback"],
    &["enrollment", "enrolment", "registration", "enroll", "register"],
    &["cancel", "cancellation", "cancelled"],
    &["claim", "claims"],
    &["tow", "towing", "roadside"],
    &["bill", "billing", "invoice"],
];

/// How a detected pair relates to the labelled one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairMatch {
    /// The same names.
    Exact,
    /// The same industry and a category sharing at least half of the label's distinctive words.
    Equivalent,
    /// The analyzer said `general/…` (it did not know), where the label names an industry.
    GeneralFallback,
    /// Another industry or another kind of call.
    Wrong,
}

impl PairMatch {
    /// Whether the detection counts as right.
    pub fn is_right(self) -> bool {
        matches!(self, PairMatch::Exact | PairMatch::Equivalent)
    }
}

/// Whether two domain names name the same industry.
pub fn same_domain(a: &str, b: &str) -> bool {
    a == b || DOMAIN_GROUPS.iter().any(|g| g.contains(&a) && g.contains(&b))
}

fn canonical(word: &str) -> String {
    let w = word.to_lowercase();
    WORD_GROUPS.iter().find(|g| g.contains(&w.as_str())).map_or(w.clone(), |g| g[0].to_string())
}

fn category_words(category: &str) -> Vec<String> {
    category.split(['_', ' ', '-', '/']).filter(|w| !w.is_empty() && !GENERIC_CATEGORY_WORDS.contains(w)).map(canonical).collect()
}

fn same_category(want: &str, got: &str) -> bool {
    if want == got {
        return true;
    }
    let (w, g) = (category_words(want), category_words(got));
    let shared = w.iter().filter(|x| g.contains(x)).count();
    !w.is_empty() && shared > 0 && 2 * shared >= w.len()
}

/// Compare a detected domain/category with the labelled one.
pub fn pair_matches(want_domain: &str, want_category: &str, got_domain: &str, got_category: &str) -> PairMatch {
    if want_domain == got_domain && want_category == got_category {
        return PairMatch::Exact;
    }
    if got_domain == "general" && want_domain != "general" {
        return PairMatch::GeneralFallback;
    }
    // A roadside-assistance call labelled as its own domain may come out as the category of a
    // broader one (automotive/roadside_assistance): the label's domain then names the category.
    let domain_ok = same_domain(want_domain, got_domain);
    let category_ok = same_category(want_category, got_category) || (domain_ok && same_category(want_domain, got_category));
    if domain_ok && category_ok {
        PairMatch::Equivalent
    } else {
        PairMatch::Wrong
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_industry_said_another_way_with_a_kindred_category_counts() {
        assert_eq!(pair_matches("airline", "baggage_claim", "travel", "baggage_issue"), PairMatch::Equivalent);
        assert_eq!(pair_matches("banking", "disputed_charge", "banking", "fraud_dispute"), PairMatch::Equivalent);
        assert_eq!(pair_matches("healthcare", "billing_inquiry", "healthcare", "billing_inquiry"), PairMatch::Exact);
    }

    #[test]
    fn another_industry_or_another_kind_of_call_does_not() {
        assert_eq!(pair_matches("banking", "disputed_charge", "healthcare", "billing_inquiry"), PairMatch::Wrong);
        assert_eq!(pair_matches("hotel", "reservation_change", "hospitality", "guest_complaint"), PairMatch::Wrong);
        assert_eq!(pair_matches("education", "enrollment", "education", "financial_aid"), PairMatch::Wrong);
        assert_eq!(pair_matches("mortgage", "escrow_inquiry", "general", "inquiry"), PairMatch::GeneralFallback);
    }
}
