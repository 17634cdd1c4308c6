-- meta_build describes the build in exactly one row (SPEC §5).
select count(*) as n
from {{ ref('meta_build') }}
having count(*) <> 1
