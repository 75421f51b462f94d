/// Small inputs shared by the tests of several targets.
public enum Fixtures {
  /// The smallest Experiment katib-sa patches: one batch/v1 Job pod template.
  public static let experiment = experimentText(serviceAccountLine: "")

  /// ``experiment`` as katib-sa writes it.
  public static let patchedExperiment = experimentText(
    serviceAccountLine: "            serviceAccountName: default-editor\n")

  private static func experimentText(serviceAccountLine: String) -> String {
    """
    apiVersion: kubeflow.org/v1beta1
    kind: Experiment
    metadata:
      name: x
    spec:
      trialTemplate:
        trialSpec:
          apiVersion: batch/v1
          kind: Job
          spec:
            template:
              spec:
    \(serviceAccountLine)            containers:
                  - name: t
                    image: busybox

    """
  }
}
