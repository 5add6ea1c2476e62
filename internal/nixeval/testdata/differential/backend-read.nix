# Reading config.backend and config.remote_state as Terranix's options give them.
{ config, lib, ... }:
{
  remote_state.s3.network = { bucket = "tf-state"; key = "network.tfstate"; region = "eu-central-1"; };
  locals.s3 = config.backend.s3 == null;
  locals.remote = lib.attrNames config.remote_state;
  locals.network = config.remote_state.s3.network.bucket;
  resource.null_resource.x = lib.mkIf (config.backend.local == null) { };
}
