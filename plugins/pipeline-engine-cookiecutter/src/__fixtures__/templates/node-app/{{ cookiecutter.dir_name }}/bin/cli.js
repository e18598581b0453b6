#!/usr/bin/env node
console.log('{{ cookiecutter.name }} v0.0.1');
