# Terranix's backend.<local|s3|etcd> and remote_state.<type>.<name> shorthands.
{
  backend.etcd = { path = "state"; endpoints = "http://etcd:2379"; };
  remote_state.local.shared = { path = "../shared/terraform.tfstate"; };
  remote_state.s3.other = { bucket = "x"; key = "k"; region = "r"; };
  terraform.required_version = ">= 1.5";
}
