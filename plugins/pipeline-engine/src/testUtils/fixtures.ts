/** A pipeline with one runtime input of each kind. */
export const HELLO_YAML = `pipeline:
  identifier: hello
  name: Hello
  orgIdentifier: default
  projectIdentifier: demo
  variables:
    - name: greeting
      type: String
      value: <+input>.allowedValues(hello,hi).default(hello)
    - name: repo
      type: String
      description: Repository name
      required: true
      value: <+input>.regex(^[a-z][a-z0-9-]*$)
    - name: replicas
      type: Number
      value: <+input>.default(2)
    - name: regions
      type: String
      value: <+input>.selectManyFrom(eu,us,ap).default(eu)
    - name: approver
      type: String
      value: <+input>.executionInput()
  stages:
    - stage:
        identifier: build
        name: Build
        type: IDP
        spec:
          execution:
            steps:
              - step:
                  identifier: say
                  name: Say
                  type: Run
                  spec:
                    command: <+input>
`;
