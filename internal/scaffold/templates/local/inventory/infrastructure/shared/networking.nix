# The shared network (the plan's VPC and subnet). Offline stand-ins: a random id names the
# network and terraform_data records what a cloud provider would hold.
{
  imports = [ ../providers/local.nix ];

  resource.random_id.vpc.byte_length = 4;

  # When the network was created, as a cloud API would report it.
  resource.time_static.vpc_created = { };

  resource.terraform_data.vpc.input = {
    name = "clan-main-vpc";
    cidr_block = "10.0.0.0/16";
    id = "vpc-\${random_id.vpc.hex}";
  };

  resource.terraform_data.subnet_public.input = {
    vpc_id = "\${terraform_data.vpc.output.id}";
    cidr_block = "10.0.1.0/24";
    id = "subnet-\${random_id.vpc.hex}-public";
  };

  output.vpc_created_at.value = "\${time_static.vpc_created.rfc3339}";
  output.vpc_id.value = "\${terraform_data.vpc.output.id}";
  output.subnet_id.value = "\${terraform_data.subnet_public.output.id}";
  output.subnet_cidr.value = "\${terraform_data.subnet_public.output.cidr_block}";
}
