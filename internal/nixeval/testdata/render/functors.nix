# resource, data and ephemeral blocks are functions of an attribute, as Terranix's mkReferenceableOption makes them.
{ config, ... }: {
  resource.aws_instance.web = { ami = "ami-1"; };
  data.aws_ami.ubuntu = { most_recent = true; };
  ephemeral.random_password.db = { length = 16; };
  output = {
    id.value = config.resource.aws_instance.web "id";
    ami.value = config.data.aws_ami.ubuntu "id";
    pw.value = config.ephemeral.random_password.db "result";
  };
}
