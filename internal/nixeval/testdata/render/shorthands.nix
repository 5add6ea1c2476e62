# backend.<type> (any type) and remote_state.<type>.<name>.
{
  backend.gcs = { bucket = "b"; prefix = null; };
  remote_state.local.shared = { path = "../shared/terraform.tfstate"; };
  remote_state.s3.other = { bucket = "x"; key = "k"; region = "r"; };
  terraform.required_version = ">= 1.5";
}
