{ provider.aws.region = "eu-central-1"; terraform.required_providers.aws.source = "hashicorp/aws"; }
