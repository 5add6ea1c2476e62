{
  terraform.required_providers.aws = {
    source = "hashicorp/aws";
    version = "~> 5.0";
  };
  # Credentials come from the environment (AWS_ACCESS_KEY_ID, ...), set by clan-terranix
  # from `clan secrets get`: never written here.
  provider.aws.region = "eu-central-1";
}
