package dev.torpor.api;

import dev.torpor.api.lambda.AccountSettings;
import dev.torpor.lifecycle.Deployments;
import dev.torpor.lifecycle.MemoryBudget;

/** Lambda's GetAccountSettings: the node's limits and what its functions use of them. */
final class AccountHandler {
    private final Deployments deployments;
    private final MemoryBudget budget;

    AccountHandler(Deployments deployments, MemoryBudget budget) {
        this.deployments = deployments;
        this.budget = budget;
    }

    void register(Router router) {
        router.add("GET", "/2016-08-19/account-settings/?",
                r -> Response.json(200, AccountSettings.of(deployments.list(), budget.limitBytes())));
    }
}
