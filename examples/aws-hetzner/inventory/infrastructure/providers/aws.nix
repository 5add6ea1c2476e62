# The AWS provider. Credentials come from the environment (AWS_ACCESS_KEY_ID, ...), which
# clan-terranix fills from `clan secrets get` (inventory/services/terranix.nix): never
# write them here, this file ends up in git and in the Nix store.
{
  terraform.required_providers.aws = {
    source = "hashicorp/aws";
    version = "~> 5.0";
  };
  provider.aws.region = "eu-central-1";
}
