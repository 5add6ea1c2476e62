# A key no Terranix option declares is Terranix's error ("The option `resources' does not exist").
{
  resources.aws_instance.web.ami = "ami-1";
}
