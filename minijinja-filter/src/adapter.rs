//! The adapter, written once for both majors: MiniJinja 2 and 3 share the
//! API it uses, so the two modules differ only in the crate they name.

/// Expands to `register` and its helpers for the MiniJinja crate `$mj`.
macro_rules! minijinja_adapter {
    ($mj:ident, $major:literal) => {
        use helpscout_beacon::Signer;
        use helpscout_beacon::template::{self, LogoutArgs};
        use serde::Deserialize;
        use $mj::value::{Kwargs, Value};
        use $mj::{Environment, Error, ErrorKind};

        use crate::{IDENTIFY, LOGOUT};

        #[doc = concat!(
                    "Registers the `beacon_identify` filter, signing with `signer`, and the\n",
                    "`beacon_logout` function in a MiniJinja ", $major, " environment."
                )]
        pub fn register(env: &mut Environment<'_>, signer: Signer) {
            env.add_filter(
                IDENTIFY,
                move |value: &Value, kwargs: Kwargs| -> Result<Value, Error> {
                    let html = template::render(&signer, Some(value), Value::from(kwargs))
                        .map_err(failed(IDENTIFY))?;
                    Ok(Value::from_safe_string(html))
                },
            );
            env.add_function(LOGOUT, |kwargs: Kwargs| -> Result<Value, Error> {
                let args = LogoutArgs::deserialize(Value::from(kwargs)).map_err(failed(LOGOUT))?;
                let html = template::render_logout(args).map_err(failed(LOGOUT))?;
                Ok(Value::from_safe_string(html))
            });
        }

        /// The function's name and the core's own message, without the
        /// "cannot deserialize" that MiniJinja's serde errors carry as their
        /// kind.
        fn failed<E: CoreMessage>(function: &'static str) -> impl Fn(E) -> Error {
            move |error| {
                let message = format!("{function}: {}", error.core_message());
                Error::new(ErrorKind::InvalidOperation, message)
            }
        }

        trait CoreMessage {
            fn core_message(&self) -> String;
        }

        impl CoreMessage for helpscout_beacon::Error {
            fn core_message(&self) -> String {
                self.to_string()
            }
        }

        impl CoreMessage for Error {
            fn core_message(&self) -> String {
                self.detail()
                    .map_or_else(|| self.to_string(), str::to_owned)
            }
        }
    };
}

pub(crate) use minijinja_adapter;
