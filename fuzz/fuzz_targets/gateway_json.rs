//! The node"s HTTP gateway bodies. The first byte picks the route (publish, query, batch query,
//! subscribe, subscribe-all) and, in its high bit, protobuf instead of JSON; the rest is the body.
//! Properties: every envelope the gateway writes back as a JSON stream frame is valid JSON that
//! parses back to the same envelope; a JSON body that parses also survives a protobuf round trip.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xmtp_fuzz::assert_round_trip;
use xmtp_node::fuzzing::{Parsed, Route, parse_body};
use xmtp_proto::message_api::v1 as api;

const ROUTES: [Route; 5] = [
    Route::Publish,
    Route::Query,
    Route::BatchQuery,
    Route::Subscribe,
    Route::SubscribeAll,
];

fuzz_target!(init: xmtp_fuzz::seeds::write_if_asked("gateway_json"), |data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let route = ROUTES[usize::from(selector & 0x7f) % ROUTES.len()];
    let protobuf = selector & 0x80 != 0;
    match parse_body(route, protobuf, body) {
        Parsed::Publish(request, written) => {
            assert_round_trip(&request);
            for (envelope, (frame, _allowed)) in request.envelopes.iter().zip(&written) {
                let value: serde_json::Value =
                    serde_json::from_str(frame).expect("a stream frame is JSON");
                let back: api::Envelope = serde_json::from_value(value["result"].clone())
                    .expect("a written envelope parses back");
                assert_eq!(&back, envelope, "gateway JSON changed the envelope");
            }
        }
        Parsed::Query(request, _) => assert_round_trip(&request),
        Parsed::BatchQuery(request, _) => assert_round_trip(&request),
        Parsed::Subscribe(request) => assert_round_trip(&request),
        Parsed::SubscribeAll(request) => assert_round_trip(&request),
        Parsed::Refused(_) => {}
    }
});
