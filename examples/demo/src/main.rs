//! The main job, end to end: sign a sample user and print the identify call.
//!
//! Uses `HELPSCOUT_BEACON_SECRET` when it is set; otherwise an embedded demo
//! key, and says so on stderr (Beacon rejects signatures made with it).

use std::process::ExitCode;

use helpscout_beacon::{Identity, SECRET_ENV_VAR, Signer};

/// Only for this demo: Beacon will not accept signatures made with it.
const DEMO_SECRET: &str = "demo-secret-not-for-production";

fn signer() -> Result<Signer, helpscout_beacon::Error> {
    if std::env::var_os(SECRET_ENV_VAR).is_some() {
        return Signer::from_env();
    }
    eprintln!(
        "note: {SECRET_ENV_VAR} is not set, so this signs with the embedded demo key; \
         Beacon will reject these signatures. Set {SECRET_ENV_VAR} to your Beacon's \
         Secure Mode secret to get real ones."
    );
    Signer::new(DEMO_SECRET)
}

fn sample_user() -> Identity {
    Identity::new("jane.doe@example.com")
        .name("Jane O'Doe </script>")
        .company("Acme & Co")
        .job_title("CTO")
        .avatar("https://example.com/avatars/jane.png")
        .attribute("plan", "pro")
        .attribute("seats", 12)
}

fn main() -> ExitCode {
    let call = signer().and_then(|signer| signer.identify(&sample_user()));
    match call {
        Ok(call) => {
            println!("{call}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
