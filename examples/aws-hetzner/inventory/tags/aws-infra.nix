# Machines tagged aws-infra get the AWS provider in their workspace.
{
  imports = [ ../infrastructure/providers/aws.nix ];
}
