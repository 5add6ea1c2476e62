# Terranix's backend and remote_state shorthands.
{
  backend.s3 = { bucket = "tf-state"; key = "web/terraform.tfstate"; region = "eu-central-1"; };
  remote_state.s3.network = { bucket = "tf-state"; key = "network/terraform.tfstate"; region = "eu-central-1"; };
  remote_state.local.dns.path = "../dns/terraform.tfstate";
  resource.null_resource.x = { };
}
