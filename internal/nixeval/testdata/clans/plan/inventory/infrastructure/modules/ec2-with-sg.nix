{ machine, lib, ... }: {
  resource.aws_instance.${machine.name} = { ami = lib.mkDefault "ami-default"; tags.Machine = machine.name; };
}
