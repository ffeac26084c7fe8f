//! Who is on the call. The agent introduces themself ("this is Priya speaking", "my name is
//! Kevin", "I'm Oskar, by the way"); the customer gives a name when asked ("Can I have the name
//! on the policy?" – "Rajesh Iyer.") or offers it ("The name's Ethan Park", "I'm Yolanda
//! Kessler"), may spell it, and the agent may address them ("Thank you, Mister Iyer") or read
//! it from the record for them to confirm ("Nadia Petrosyan?" – "Yes, that's me."). A name
//! that is not made of name words is left empty rather than reported as a fragment.

mod agent;
mod customer;
mod parts;
mod spelled;

pub use agent::agent_name;
pub use customer::customer_name;
