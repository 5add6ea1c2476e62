# Machines tagged aws-infra get the AWS provider.
{
  imports = [ ../infrastructure/providers/aws.nix ];
}
