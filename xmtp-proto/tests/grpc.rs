//! The generated tonic code: a server can be implemented and a client named (features
//! `grpc-server` and `grpc-client`). Calls over a real connection are the node's tests.
#![cfg(all(feature = "grpc-server", feature = "grpc-client"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use tonic::codegen::tokio_stream::{self, Empty};
use tonic::server::NamedService;
use tonic::{Request, Response, Status, Streaming};
use xmtp_proto::message_api::v1::message_api_client::MessageApiClient;
use xmtp_proto::message_api::v1::message_api_server::{MessageApi, MessageApiServer};
use xmtp_proto::message_api::v1::{
    BatchQueryRequest, BatchQueryResponse, Envelope, PublishRequest, PublishResponse, QueryRequest,
    QueryResponse, SubscribeAllRequest, SubscribeRequest,
};

type Stream = Empty<Result<Envelope, Status>>;

struct Nothing;

#[tonic::async_trait]
impl MessageApi for Nothing {
    async fn publish(
        &self,
        _: Request<PublishRequest>,
    ) -> Result<Response<PublishResponse>, Status> {
        Ok(Response::new(PublishResponse {}))
    }
    type SubscribeStream = Stream;
    async fn subscribe(&self, _: Request<SubscribeRequest>) -> Result<Response<Stream>, Status> {
        Ok(Response::new(tokio_stream::empty()))
    }
    type Subscribe2Stream = Stream;
    async fn subscribe2(
        &self,
        _: Request<Streaming<SubscribeRequest>>,
    ) -> Result<Response<Stream>, Status> {
        Ok(Response::new(tokio_stream::empty()))
    }
    type SubscribeAllStream = Stream;
    async fn subscribe_all(
        &self,
        _: Request<SubscribeAllRequest>,
    ) -> Result<Response<Stream>, Status> {
        Ok(Response::new(tokio_stream::empty()))
    }
    async fn query(&self, _: Request<QueryRequest>) -> Result<Response<QueryResponse>, Status> {
        Err(Status::unimplemented("query"))
    }
    async fn batch_query(
        &self,
        _: Request<BatchQueryRequest>,
    ) -> Result<Response<BatchQueryResponse>, Status> {
        Err(Status::unimplemented("batch_query"))
    }
}

#[test]
fn server_and_client_are_generated() {
    fn name<S: NamedService>(_: &S) -> &'static str {
        S::NAME
    }
    let server = MessageApiServer::new(Nothing);
    assert_eq!(name(&server), "xmtp.message_api.v1.MessageApi");
    // The client, with `connect` for the tonic channel transport, is there too.
    let _connect = MessageApiClient::<tonic::transport::Channel>::connect::<&'static str>;
}
