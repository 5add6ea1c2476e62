# Empty attrsets stay, empty resource/data types and empty top-level keys go.
{
  resource.aws_instance = { };
  resource.terraform_data.x = { };
  data.aws_ami = { };
  output = { };
  locals.empty = { };
  variable.v.default = { };
}
