{{/* The ApiTuning of the sample API; rendered by apituning.yaml when apiTuning.create, shown by NOTES.txt otherwise. */}}
{{- define "sample-stack.apiTuning" -}}
apiVersion: autotune.dev/v1alpha1
kind: ApiTuning
metadata:
  name: {{ include "sample-stack.api" . }}
  namespace: {{ .Release.Namespace }}
spec:
  targetRef:
    kind: Deployment
    name: {{ include "sample-stack.api" . }}
  mode: {{ .Values.apiTuning.mode }}
  objectives:
    p99LatencyMs: {{ .Values.apiTuning.p99LatencyMs }}
    maxPoolWaitMs: 20
    maxQueueDepth: 20
  metrics:
    source: Pods
    port: {{ .Values.api.metricsPort }}
    path: /metrics
    window: 60s
  knobs:
    replicas: { min: 1, max: 6, mode: Auto }
    threadPoolMinThreads: { min: 8, max: 256, mode: Auto }
    dbMaxPoolSize: { min: 5, max: 50, mode: Auto }
    postgresMaxConnections: { min: 50, max: 200, mode: Auto }
  apply:
    method: HotReload
    maxSurge: 1
  postgres:
    adminSecretRef:
      name: {{ include "sample-stack.pgAdminSecret" . }}
      key: connectionString
    workloadRef:
      kind: StatefulSet
      name: {{ include "sample-stack.postgres" . }}
    reservedConnections: 10
    restart: Immediate
{{- end }}
