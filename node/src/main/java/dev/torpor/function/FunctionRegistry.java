package dev.torpor.function;

import java.util.List;
import java.util.Optional;

/** The functions deployed on this node; kept across restarts. */
public interface FunctionRegistry {

    /** Adds a function; ALREADY_EXISTS when the name is taken. */
    FunctionDefinition create(FunctionDefinition fn);

    Optional<FunctionDefinition> get(String name);

    List<FunctionDefinition> list();

    /** Replaces the stored definition of an existing function; NOT_FOUND when there is none. */
    FunctionDefinition update(FunctionDefinition fn);

    /** NOT_FOUND when there is none. */
    void delete(String name);
}
