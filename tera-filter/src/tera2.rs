//! The filter and function for Tera 2.

use helpscout_beacon::template::{self, LogoutArgs, TemplateArgs};
use helpscout_beacon::{Identity, Signer};
use serde::Deserialize;
use tera::{Kwargs, State, Tera, TeraResult, Value};

use crate::{IDENTIFY, LOGOUT, core_message};

/// Registers the `beacon_identify` filter, signing with `signer`, and the
/// `beacon_logout` function in a Tera 2 instance.
pub fn register(tera: &mut Tera, signer: Signer) {
    tera.register_filter(
        IDENTIFY,
        move |value: &Value, kwargs: Kwargs, _: &State| -> TeraResult<Value> {
            let input = Option::<Identity>::deserialize(value).map_err(failed(IDENTIFY))?;
            let args = kwargs
                .deserialize::<TemplateArgs>()
                .map_err(failed(IDENTIFY))?;
            let html = template::render(&signer, input, args).map_err(failed(IDENTIFY))?;
            Ok(Value::safe_string(&html))
        },
    );
    tera.register_function(LOGOUT, |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
        let args = kwargs.deserialize::<LogoutArgs>().map_err(failed(LOGOUT))?;
        let html = template::render_logout(args).map_err(failed(LOGOUT))?;
        Ok(Value::safe_string(&html))
    });
}

fn failed<E: std::fmt::Display>(function: &'static str) -> impl Fn(E) -> tera::Error {
    move |error| tera::Error::message(core_message(function, error))
}
