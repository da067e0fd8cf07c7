package example;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A long-running Java function on the java17/java21 managed runtime: a counter kept in memory across events, so a
 * checkpoint and restore that lost the JVM's state would show. Deploy with Handler example.Counter (or
 * example.Counter::handleRequest); build it as the README says.
 */
public class Counter implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private int count;

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        if (Boolean.TRUE.equals(event.get("fail"))) throw new IllegalStateException("asked to fail");
        count++;
        context.getLogger().log("event " + count + ": " + event);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("count", count);
        answer.put("pid", ProcessHandle.current().pid());
        answer.put("echo", event);
        answer.put("requestId", context.getAwsRequestId());
        answer.put("remainingMs", context.getRemainingTimeInMillis());
        return answer;
    }
}
