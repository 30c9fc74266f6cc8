{{/*
The server pod, shared by deployment.yaml and statefulset.yaml (only one of them renders).
*/}}

{{/* Server settings as environment variables: the chart's own first, then server.config, then extraEnv. */}}
{{- define "fastav-live.env" -}}
{{- $v := .Values }}
{{- $scheme := ternary "https" "http" $v.tls.enabled -}}
- name: FASTAV_Server__Urls
  value: {{ printf "%s://0.0.0.0:%d" $scheme (int $v.server.grpcPort) | quote }}
- name: FASTAV_Server__HttpUrls
  value: {{ printf "http://0.0.0.0:%d" (int $v.server.httpPort) | quote }}
- name: FASTAV_Server__DrainDelay
  value: {{ include "fastav-live.timeSpan" $v.drain.delaySeconds | quote }}
- name: FASTAV_Server__ShutdownTimeout
  value: {{ include "fastav-live.timeSpan" $v.drain.shutdownTimeoutSeconds | quote }}
- name: FASTAV_Logging__Format
  value: {{ $v.server.logFormat | quote }}
{{- with include "fastav-live.modelPath" . }}
- name: FASTAV_Inference__Model
  value: {{ . | quote }}
{{- end }}
{{- if $v.tls.enabled }}
- name: FASTAV_Server__CertificatePath
  value: {{ printf "%s/tls.crt" (include "fastav-live.tlsMountPath" .) | quote }}
- name: FASTAV_Server__CertificateKeyPath
  value: {{ printf "%s/tls.key" (include "fastav-live.tlsMountPath" .) | quote }}
- name: FASTAV_Server__ClientCertificateMode
  value: {{ $v.tls.clientCertificateMode | quote }}
{{- if include "fastav-live.clientCaEnabled" . }}
- name: FASTAV_Server__ClientCertificateCaPath
  value: {{ printf "%s/%s" (include "fastav-live.clientCaMountPath" .) (include "fastav-live.clientCaSecretKey" .) | quote }}
{{- end }}
{{- end }}
{{- if $v.auth.apiKeys.enabled }}
- name: FASTAV_Auth__ApiKeysFile
  value: {{ printf "%s/%s" (trimSuffix "/" $v.auth.apiKeys.mountPath) (include "fastav-live.apiKeysSecretKey" .) | quote }}
{{- end }}
{{- with $v.openTelemetry.endpoint }}
- name: FASTAV_OpenTelemetry__Endpoint
  value: {{ . | quote }}
{{- end }}
{{- range $key, $value := $v.server.config }}
- name: {{ include "fastav-live.envName" $key }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- with $v.server.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Container resources: `resources` plus gpu.count of gpu.resourceName in both requests and limits. */}}
{{- define "fastav-live.resources" -}}
{{- $res := deepCopy (default dict .Values.resources) }}
{{- if gt (int .Values.gpu.count) 0 }}
{{- $requests := default dict (get $res "requests") }}
{{- $limits := default dict (get $res "limits") }}
{{- $_ := set $requests .Values.gpu.resourceName (int .Values.gpu.count) }}
{{- $_ := set $limits .Values.gpu.resourceName (int .Values.gpu.count) }}
{{- $_ := set $res "requests" $requests }}
{{- $_ := set $res "limits" $limits }}
{{- end }}
{{- toYaml $res }}
{{- end }}

{{- define "fastav-live.probe" -}}
{{- $probe := index . 0 }}
{{- $path := index . 1 -}}
httpGet:
  path: {{ $path }}
  port: http
  scheme: HTTP
periodSeconds: {{ $probe.periodSeconds }}
failureThreshold: {{ $probe.failureThreshold }}
timeoutSeconds: {{ $probe.timeoutSeconds }}
{{- end }}

{{- define "fastav-live.podTemplate" -}}
{{- $v := .Values -}}
metadata:
  labels:
    {{- include "fastav-live.labels" . | nindent 4 }}
    {{- with $v.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  annotations:
    kubectl.kubernetes.io/default-container: server
    {{- if and $v.tls.enabled (not $v.tls.existingSecret) }}
    checksum/tls: {{ include (print $.Template.BasePath "/secret-tls.yaml") . | sha256sum }}
    {{- end }}
    {{- if and (include "fastav-live.clientCaEnabled" .) $v.tls.clientCa.certificate }}
    checksum/client-ca: {{ include (print $.Template.BasePath "/secret-client-ca.yaml") . | sha256sum }}
    {{- end }}
    {{- with $v.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  serviceAccountName: {{ include "fastav-live.serviceAccountName" . }}
  automountServiceAccountToken: {{ $v.serviceAccount.automountServiceAccountToken }}
  {{- with $v.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.runtimeClassName }}
  runtimeClassName: {{ . }}
  {{- end }}
  {{- with $v.priorityClassName }}
  priorityClassName: {{ . }}
  {{- end }}
  terminationGracePeriodSeconds: {{ include "fastav-live.terminationGracePeriodSeconds" . }}
  securityContext:
    {{- toYaml $v.podSecurityContext | nindent 4 }}
  {{- with $v.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.topologySpreadConstraints }}
  topologySpreadConstraints:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- if $v.model.initContainer.enabled }}
  {{- $init := $v.model.initContainer }}
  initContainers:
    - name: model-init
      image: {{ printf "%s:%s" $init.image.repository (default "latest" $init.image.tag) | quote }}
      imagePullPolicy: {{ $init.image.pullPolicy }}
      {{- with $init.command }}
      command:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $init.args }}
      args:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      env:
        - name: FASTAV_MODEL_DIR
          value: {{ include "fastav-live.modelPath" . | quote }}
        {{- with $init.env }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- with $init.resources }}
      resources:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- toYaml $v.securityContext | nindent 8 }}
      volumeMounts:
        - name: model
          mountPath: {{ $v.model.volume.mountPath }}
        - name: tmp
          mountPath: /tmp
  {{- end }}
  containers:
    - name: server
      image: {{ include "fastav-live.image" . | quote }}
      imagePullPolicy: {{ $v.image.pullPolicy }}
      {{- with $v.server.command }}
      command:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.server.args }}
      args:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      ports:
        - name: grpc
          containerPort: {{ $v.server.grpcPort }}
          protocol: TCP
        - name: http
          containerPort: {{ $v.server.httpPort }}
          protocol: TCP
      env:
        {{- include "fastav-live.env" . | nindent 8 }}
      resources:
        {{- include "fastav-live.resources" . | nindent 8 }}
      startupProbe:
        {{- include "fastav-live.probe" (list $v.probes.startup "/readyz") | nindent 8 }}
      readinessProbe:
        {{- include "fastav-live.probe" (list $v.probes.readiness "/readyz") | nindent 8 }}
      livenessProbe:
        {{- include "fastav-live.probe" (list $v.probes.liveness "/healthz") | nindent 8 }}
      lifecycle:
        preStop:
          {{- if eq (include "fastav-live.preStopUsesSleepAction" .) "true" }}
          sleep:
            seconds: {{ $v.drain.preStopSleepSeconds }}
          {{- else }}
          exec:
            command: ["sleep", {{ $v.drain.preStopSleepSeconds | toString | quote }}]
          {{- end }}
      securityContext:
        {{- toYaml $v.securityContext | nindent 8 }}
      volumeMounts:
        - name: tmp
          mountPath: /tmp
        {{- if ne $v.model.volume.type "none" }}
        - name: model
          mountPath: {{ $v.model.volume.mountPath }}
          readOnly: true
        {{- end }}
        {{- if $v.tls.enabled }}
        - name: tls
          mountPath: {{ include "fastav-live.tlsMountPath" . }}
          readOnly: true
        {{- end }}
        {{- if include "fastav-live.clientCaEnabled" . }}
        - name: client-ca
          mountPath: {{ include "fastav-live.clientCaMountPath" . }}
          readOnly: true
        {{- end }}
        {{- if $v.auth.apiKeys.enabled }}
        - name: api-keys
          mountPath: {{ $v.auth.apiKeys.mountPath }}
          readOnly: true
        {{- end }}
  volumes:
    - name: tmp
      emptyDir:
        sizeLimit: {{ $v.tmp.sizeLimit }}
    {{- if eq $v.model.volume.type "emptyDir" }}
    - name: model
      emptyDir:
        sizeLimit: {{ $v.model.volume.emptyDir.sizeLimit }}
        {{- with $v.model.volume.emptyDir.medium }}
        medium: {{ . }}
        {{- end }}
    {{- else if and (eq $v.model.volume.type "persistentVolumeClaim") (not $v.model.volume.persistentVolumeClaim.perPod) }}
    - name: model
      persistentVolumeClaim:
        claimName: {{ include "fastav-live.modelClaimName" . }}
    {{- end }}
    {{- if $v.tls.enabled }}
    - name: tls
      secret:
        secretName: {{ include "fastav-live.tlsSecretName" . }}
        defaultMode: 0440
        items:
          - key: tls.crt
            path: tls.crt
          - key: tls.key
            path: tls.key
    {{- end }}
    {{- if include "fastav-live.clientCaEnabled" . }}
    - name: client-ca
      secret:
        secretName: {{ include "fastav-live.clientCaSecretName" . }}
        defaultMode: 0440
        items:
          - key: {{ include "fastav-live.clientCaSecretKey" . }}
            path: {{ include "fastav-live.clientCaSecretKey" . }}
    {{- end }}
    {{- if $v.auth.apiKeys.enabled }}
    - name: api-keys
      secret:
        secretName: {{ include "fastav-live.apiKeysSecretName" . }}
        defaultMode: 0440
        items:
          - key: {{ include "fastav-live.apiKeysSecretKey" . }}
            path: {{ include "fastav-live.apiKeysSecretKey" . }}
    {{- end }}
{{- end }}
