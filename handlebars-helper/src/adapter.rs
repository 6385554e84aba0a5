//! The adapter, written once for both majors: Handlebars 5 and 6 share the
//! API it uses, so the two modules differ only in the crate they name.

/// Expands to the [`Engine`](crate::Engine) implementation and its helper
/// for the Handlebars crate `$hb`.
macro_rules! handlebars_adapter {
    ($hb:ident, $major:literal) => {
        use std::sync::Arc;

        use helpscout_beacon::Beacons;
        use helpscout_beacon::template::{self, Function};
        use serde::de::value::MapDeserializer;
        use $hb::{
            Context, Handlebars, Helper, HelperDef, HelperResult, Output, RenderContext,
            RenderErrorReason,
        };

        impl crate::sealed::Sealed for Handlebars<'_> {}

        #[doc = concat!("A Handlebars ", $major, " registry.")]
        impl crate::Engine for Handlebars<'_> {
            fn register_beacons(&mut self, beacons: Beacons) {
                let beacons = Arc::new(beacons);
                for function in Function::ALL {
                    let call = Call {
                        beacons: Arc::clone(&beacons),
                        function,
                    };
                    self.register_helper(function.name(), Box::new(call));
                }
            }
        }

        /// One template function as a helper.
        struct Call {
            beacons: Arc<Beacons>,
            function: Function,
        }

        impl HelperDef for Call {
            fn call<'reg: 'rc, 'rc>(
                &self,
                h: &Helper<'rc>,
                _: &'reg Handlebars<'reg>,
                _: &'rc Context,
                _: &mut RenderContext<'reg, 'rc>,
                out: &mut dyn Output,
            ) -> HelperResult {
                let name = self.function.name();
                let params = h.params();
                let input = match (self.function.takes_input(), params.as_slice()) {
                    (true, [] | [_]) => params.first().map(|param| param.value()),
                    (true, _) => {
                        let what = match self.function {
                            Function::Identify => "one user or email parameter",
                            Function::SessionData => "one session data parameter",
                            _ => "one form parameter",
                        };
                        return Err(failed(name)(format!("takes {what}")).into());
                    }
                    (false, []) => None,
                    (false, _) => {
                        return Err(failed(name)("takes only hash arguments").into());
                    }
                };
                let hash = h.hash().iter().map(|(key, value)| (*key, value.value()));
                let hash = MapDeserializer::<_, serde_json::Error>::new(hash);
                template::render_call_with(&self.beacons, self.function, input, hash, |html| {
                    out.write(html)
                })
                .map_err(failed(name))??;
                Ok(())
            }
        }

        /// The function's name and the core's own message, as Handlebars'
        /// error.
        fn failed<E: std::fmt::Display>(function: &'static str) -> impl Fn(E) -> RenderErrorReason {
            move |error| RenderErrorReason::Other(format!("{function}: {error}"))
        }
    };
}

pub(crate) use handlebars_adapter;
