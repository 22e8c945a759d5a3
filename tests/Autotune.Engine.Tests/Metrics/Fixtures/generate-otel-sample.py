# Writes otel-sample-api.prom: one scrape of the sample API as the OpenTelemetry Prometheus exporter writes text 0.0.4
# (target_info first, otel_scope_* labels, bounds written with G17, no timestamps, # EOF). Deterministic (seeded).
import os, random
random.seed(7)
REQ=[0.001,0.002,0.003,0.005,0.0075,0.01,0.015,0.02,0.025,0.03,0.04,0.05,0.06,0.075,0.1,0.125,0.15,0.175,0.2,0.25,0.3,0.35,0.4,0.5,0.6,0.75,1,1.5,2,3,5,10,30]
CONN=[0.0001,0.00025,0.0005,0.001,0.002,0.005,0.01,0.015,0.02,0.03,0.05,0.075,0.1,0.15,0.2,0.3,0.5,0.75,1,2,5,15,30]
def g17(v):
    s='%.17g'%v
    if 'e' in s:
        m,e=s.split('e'); s=m+'E'+('-' if e[0]=='-' else '+')+e[1:].lstrip('0').rjust(2,'0')
    return s
def lbl(d): return '{'+','.join('%s="%s"'%(k,v) for k,v in d)+'}'
out=[]
out+=['# TYPE target_info gauge','# HELP target_info Target metadata',
 'target_info'+lbl([('service_name','sample-api'),('service_instance_id','sample-api-7d9f8b6c5-x2k4q'),('telemetry_sdk_name','opentelemetry'),('telemetry_sdk_language','dotnet'),('telemetry_sdk_version','1.20.1')])+' 1']
def hist(name,help_,scope,series,bounds,obs_gen):
    out.append('# TYPE %s histogram'%name); out.append('# HELP %s %s'%(name,help_))
    for labels,n in series:
        obs=[obs_gen() for _ in range(n)]
        cum=0
        for b in bounds+[float('inf')]:
            cnt=sum(1 for o in obs if o<=b)
            le='+Inf' if b==float('inf') else g17(b)
            out.append('%s_bucket%s %d'%(name,lbl(scope+labels+[('le',le)]),cnt))
        out.append('%s_sum%s %s'%(name,lbl(scope+labels),g17(sum(obs))))
        out.append('%s_count%s %d'%(name,lbl(scope+labels),len(obs)))
host=[('otel_scope_name','Microsoft.AspNetCore.Hosting')]
def req(m,code,route): return [('http_request_method',m),('http_response_status_code',code),('http_route',route),('network_protocol_version','1.1'),('url_scheme','http')]
hist('http_server_request_duration_seconds','Duration of HTTP server requests.',host,
 [(req('GET','200','/users/{id}'),4200),(req('POST','201','/orders'),900),(req('GET','404','/users/{id}'),35),(req('GET','503','/orders/{id}'),12)],
 REQ, lambda: random.lognormvariate(-4.2,0.8))
out+=['# TYPE http_server_active_requests gauge','# HELP http_server_active_requests Number of active HTTP server requests.',
 'http_server_active_requests'+lbl(host+[('http_request_method','GET'),('url_scheme','http')])+' 7',
 'http_server_active_requests'+lbl(host+[('http_request_method','POST'),('url_scheme','http')])+' 2']
k=[('otel_scope_name','Microsoft.AspNetCore.Server.Kestrel')]
out+=['# TYPE kestrel_queued_connections gauge','# HELP kestrel_queued_connections Number of connections that are currently queued and are waiting to start.',
 'kestrel_queued_connections'+lbl(k+[('network_transport','tcp'),('network_type','ipv4'),('server_address','0.0.0.0'),('server_port','8080')])+' 0']
rt=[('otel_scope_name','System.Runtime')]
out+=['# TYPE dotnet_process_cpu_time_seconds_total counter','# HELP dotnet_process_cpu_time_seconds_total CPU time used by the process.',
 'dotnet_process_cpu_time_seconds_total'+lbl(rt+[('cpu_mode','user')])+' 412.53999999999996',
 'dotnet_process_cpu_time_seconds_total'+lbl(rt+[('cpu_mode','system')])+' 57.109999999999999',
 '# TYPE dotnet_process_cpu_count gauge','# HELP dotnet_process_cpu_count The number of processors available to the process.',
 'dotnet_process_cpu_count'+lbl(rt)+' 2',
 '# TYPE dotnet_thread_pool_thread_count_total counter','# HELP dotnet_thread_pool_thread_count_total The number of thread pool threads that currently exist.',
 'dotnet_thread_pool_thread_count_total'+lbl(rt)+' 14',
 '# TYPE dotnet_thread_pool_queue_length_total counter','# HELP dotnet_thread_pool_queue_length_total The number of work items that are currently queued to be processed by the thread pool.',
 'dotnet_thread_pool_queue_length_total'+lbl(rt)+' 3']
np=[('otel_scope_name','Npgsql'),('otel_scope_version','10.0.3')]
pool='sample-api#3'
out+=['# TYPE db_client_connection_count gauge','# HELP db_client_connection_count The number of connections that are currently in state described by the state attribute.',
 'db_client_connection_count'+lbl(np+[('db_client_connection_pool_name',pool),('db_client_connection_state','idle')])+' 6',
 'db_client_connection_count'+lbl(np+[('db_client_connection_pool_name',pool),('db_client_connection_state','used')])+' 18',
 '# TYPE db_client_connection_max gauge','# HELP db_client_connection_max The maximum number of open connections allowed.',
 'db_client_connection_max'+lbl(np+[('db_client_connection_pool_name',pool)])+' 24',
 '# TYPE db_client_connection_npgsql_pending_requests gauge','# HELP db_client_connection_npgsql_pending_requests The number of pending requests for an open connection, cumulative for the entire pool.',
 'db_client_connection_npgsql_pending_requests'+lbl(np+[('db_client_connection_pool_name',pool)])+' 1',
 '# TYPE db_client_connection_npgsql_timeouts_total counter','# HELP db_client_connection_npgsql_timeouts_total The number of connection timeouts that have occurred trying to obtain a connection from the pool.',
 'db_client_connection_npgsql_timeouts_total'+lbl(np+[('db_client_connection_pool_name',pool)])+' 2']
ag=[('otel_scope_name','Autotune.Agent')]
hist('db_client_connection_wait_time_seconds','The time it took to obtain an open connection from the pool.',ag,[([('db_client_connection_pool_name',pool)],5100)],CONN,lambda: random.expovariate(1/0.0008))
hist('db_client_connection_use_time_seconds','The time between borrowing a connection and returning it to the pool.',ag,[([('db_client_connection_pool_name',pool)],5100)],CONN,lambda: random.lognormvariate(-5.3,0.6))
out+=['# TYPE autotune_db_connections_open gauge','# HELP autotune_db_connections_open Physical connections to the database server open now, across every pool generation.',
 'autotune_db_connections_open'+lbl(ag)+' 24',
 '# TYPE autotune_db_connection_open_failures_total counter','# HELP autotune_db_connection_open_failures_total Connection opens that failed, by SQLSTATE.',
 'autotune_db_connection_open_failures_total'+lbl(ag+[('db_response_status_code','53300')])+' 3',
 '# TYPE autotune_tuning_generation gauge','# HELP autotune_tuning_generation Generation of the tuning file now applied.',
 'autotune_tuning_generation'+lbl(ag)+' 3',
 '# TYPE autotune_tuning_thread_pool_min_threads gauge','# HELP autotune_tuning_thread_pool_min_threads Minimum worker threads now applied.',
 'autotune_tuning_thread_pool_min_threads'+lbl(ag)+' 64',
 '# TYPE autotune_tuning_db_max_pool_size gauge','# HELP autotune_tuning_db_max_pool_size Npgsql maximum pool size now applied.',
 'autotune_tuning_db_max_pool_size'+lbl(ag)+' 24',
 '# TYPE autotune_tuning_file_rejected_total counter','# HELP autotune_tuning_file_rejected_total Tuning files that could not be applied, by reason.',
 'autotune_tuning_file_rejected_total'+lbl(ag+[('reason','invalid')])+' 1',
 '# EOF']
open(os.path.join(os.path.dirname(os.path.abspath(__file__)),'otel-sample-api.prom'),'w').write('\n'.join(out)+'\n')
