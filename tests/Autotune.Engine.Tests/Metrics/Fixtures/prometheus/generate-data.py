import random, math, sys
random.seed(11)
T0 = 1795752000  # 2026-11-27T04:00:00Z
REQ=[0.001,0.002,0.003,0.005,0.0075,0.01,0.015,0.02,0.025,0.03,0.04,0.05,0.06,0.075,0.1,0.125,0.15,0.175,0.2,0.25,0.3,0.35,0.4,0.5,0.6,0.75,1,1.5,2,3,5,10,30]
INF=float('inf')
BOUNDS=REQ+[INF]
def le(b): return '+Inf' if b==INF else repr(b)
series={}  # (name, labels tuple) -> list of (t, v)
def put(name, labels, t, v):
    series.setdefault((name, tuple(labels)), []).append((t, v))
pods={'orders-api-a':'10.0.0.1:9464','orders-api-b':'10.0.0.2:9464'}
def base(pod): return [('instance',pods[pod]),('job','orders-api'),('namespace','shop'),('pod',pod)]
class Pod:
    def __init__(s, pre):
        s.b={code:[0]*len(BOUNDS) for code in ('200','503')}
        s.sum={'200':0.0,'503':0.0}
        s.cpu=300.0 if pre else 1.0
        if pre:
            for _ in range(20000): s.obs(random.lognormvariate(-4.5,0.5),'200')
    def obs(s, v, code):
        i=next(i for i,b in enumerate(BOUNDS) if v<=b); s.b[code][i]+=1; s.sum[code]+=v
state={'orders-api-a':Pod(True),'orders-api-b':Pod(True)}
for step in range(7):
    t=T0+10*step
    for pod in pods:
        p=state[pod]
        if pod=='orders-api-b' and step==3:
            state[pod]=p=Pod(False)  # restarted: counters from zero
        if step>0:
            n=400 if pod=='orders-api-a' else 250
            for _ in range(n): p.obs(random.lognormvariate(-3.6,0.7) if random.random()>0.03 else random.uniform(0.3,0.9),'200')
            for _ in range(random.randint(0,5)): p.obs(random.uniform(0.001,0.004),'503')
            p.cpu+= 7.5 if pod=='orders-api-a' else 4.0
        timed_out = (pod=='orders-api-a' and step==4)
        put('up', base(pod), t, 0 if timed_out else 1)
        put('scrape_duration_seconds', base(pod), t, 2.0 if timed_out else 0.004+0.001*step)
        if timed_out: continue
        for code in ('200','503'):
            cum=0
            tags=base(pod)+[('http_request_method','GET'),('http_response_status_code',code),('http_route','/orders/{id}')]
            for i,b in enumerate(BOUNDS):
                cum+=p.b[code][i]
                put('http_server_request_duration_seconds_bucket', tags+[('le',le(b))], t, cum)
            put('http_server_request_duration_seconds_count', tags, t, cum)
            put('http_server_request_duration_seconds_sum', tags, t, p.sum[code])
        put('dotnet_process_cpu_time_seconds_total', base(pod)+[('cpu_mode','user')], t, p.cpu)
        put('dotnet_process_cpu_count', base(pod), t, 2)
        q = [0,2,5,9,14,20,27][step] if pod=='orders-api-a' else [1,0,2,1,0,1,0][step]
        put('dotnet_thread_pool_queue_length_total', base(pod), t, q)
        put('dotnet_thread_pool_thread_count_total', base(pod), t, 8+step)
        put('db_client_connection_count', base(pod)+[('db_client_connection_pool_name','app#1'),('db_client_connection_state','used')], t, 6+step)
        put('db_client_connection_count', base(pod)+[('db_client_connection_pool_name','app#1'),('db_client_connection_state','idle')], t, 4)
        put('db_client_connection_max', base(pod)+[('db_client_connection_pool_name','app#1')], t, 20)
        put('autotune_tuning_generation', base(pod), t, 4)
out=[]
for name in sorted(set(k[0] for k in series)):
    out.append('# TYPE %s gauge' % name)
    for (n,labels),pts in series.items():
        if n!=name: continue
        lab=','.join('%s="%s"'%(k,v) for k,v in labels)
        for t,v in pts:
            out.append('%s{%s} %s %d' % (n, lab, repr(float(v)) if not isinstance(v,int) else v, t))
out.append('# EOF')
open(sys.argv[1],'w').write('\n'.join(out)+'\n')
print(len(out))
