package {{ cookiecutter.group_id }}.{{ cookiecutter.artifact_id.replace('-', '') }};

class {{ cookiecutter.main_class }}Tests {}
