# The plan's shared network, with the subnet_id output the plan's example forgot.
{
  imports = [ ../providers/aws.nix ];

  resource.aws_vpc.main = {
    cidr_block = "10.0.0.0/16";
    tags.Name = "clan-main-vpc";
  };

  resource.aws_subnet.public = {
    vpc_id = "\${aws_vpc.main.id}";
    cidr_block = "10.0.1.0/24";
  };

  output.vpc_id.value = "\${aws_vpc.main.id}";
  output.subnet_id.value = "\${aws_subnet.public.id}";
}
