# Blocks of resource, data, ephemeral, module and variable are references.
{ config, ... }: {
  resource.aws_instance.web = { ami = "ami-1"; };
  data.aws_ami.ubuntu = { most_recent = true; };
  ephemeral.random_password.db = { length = 16; };
  module.vpc.source = "./vpc";
  variable.region = { };
  output = {
    id.value = config.resource.aws_instance.web "id";
    ami.value = config.data.aws_ami.ubuntu "id";
    pw.value = config.ephemeral.random_password.db "result";
    whole.value = "${config.resource.aws_instance.web}";
    subnet.value = config.module.vpc "subnet_id";
    region.value = config.variable.region;
    ref.value = config.resource.aws_instance.web;
  };
}
